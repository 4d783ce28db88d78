package dev.p2ptunnel.demo.lab;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcSession;
import dev.p2ptunnel.webrtc.signaling.HttpSignaling;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A misbehaving client, run as its own JVM in a lab namespace: {@code LabFlooder URL SESSION STUN MODE SECONDS}
 * joins the host's session as a plain (original-style) client over a real DataChannel, sends our HELLO, prints
 * {@code flooder connected}; while its standard input says {@code go} (until {@code stop}; the input's end ends it,
 * and so does SECONDS) it writes raw frames as fast as the channel takes them: {@code connect} (CONNECT for one socket id after another, never closed),
 * {@code churn} (CONNECT then CLOSE, again and again) or {@code ping} (PING after PING). Answers the host's PINGs
 * meanwhile. When the host cuts it off it joins again and goes on (a persistent attacker), printing
 * {@code flooder cut reason=…} each time; at the end {@code flood_done sent=N cuts=K} and the reasons.
 */
public final class LabFlooder {
  private static volatile boolean flooding;
  private static volatile boolean ended;

  private LabFlooder() {}

  /** {@code go}: flood; {@code stop}: stay connected and quiet; end of input: finish. */
  private static void readCommands(BufferedReader stdin, String mode) {
    try {
      String line;
      while ((line = stdin.readLine()) != null) {
        if (line.equals("go")) {
          flooding = true;
          System.out.println("flooder flooding mode=" + mode);
        } else if (line.equals("stop")) {
          flooding = false;
          System.out.println("flooder quiet");
        }
      }
    } catch (java.io.IOException e) {
      // input closed
    }
    ended = true;
  }

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    String sessionId = args[1];
    WebRtcConfig config = WebRtcConfig.builder().iceServers(List.of(WebRtcConfig.IceServer.stun(args[2]))).build();
    String mode = args[3];
    long seconds = Long.parseLong(args[4]);
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Map<String, Integer> cuts = new TreeMap<>();
    long sent = 0;
    long deadline = 0;
    while ((deadline == 0 || System.nanoTime() < deadline) && !ended) {
      WebRtcSession session;
      try {
        session = WebRtcSession.offer(config, new HttpSignaling(url, sessionId));
      } catch (RuntimeException e) {
        // The host may not have freed our place yet: try again.
        System.out.println("flooder join failed: " + e.getMessage());
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        continue;
      }
      try (session) {
        MessageChannel channel = session.dataChannel(Duration.ofSeconds(30));
        CompletableFuture<String> closed = new CompletableFuture<>();
        channel.start(new MessageChannel.Listener() {
          @Override
          public void onMessage(ByteBuffer message) {
            if (Frame.event(message) == Frame.EVENT_PING && message.remaining() >= Frame.HEADER_LENGTH + 8) {
              channel.send(Extensions.ping(true, message.getLong(message.position() + Frame.HEADER_LENGTH)));
            }
          }

          @Override
          public void onWritable() {}

          @Override
          public void onClosed(String reason) {
            closed.complete(reason);
          }
        });
        channel.send(Extensions.hello(Extensions.ALL_FEATURES | Extensions.FEATURE_SERVICES));
        System.out.println("flooder connected");
        if (deadline == 0) {
          deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
          Thread commands = new Thread(() -> readCommands(stdin, mode), "flooder-commands");
          commands.setDaemon(true);
          commands.start();
        }
        ByteBuffer empty = ByteBuffer.allocate(0);
        int socketId = 0;
        long nonce = 0;
        while (!closed.isDone() && System.nanoTime() < deadline && !ended) {
          if (!flooding) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // paused: connected and quiet
            continue;
          }
          if (!channel.isWritable()) {
            LockSupport.parkNanos(100_000); // the channel's queue is full: let it drain
            continue;
          }
          socketId = socketId % 65_535 + 1;
          switch (mode) {
            case "connect" -> channel.send(Frame.encode(Frame.EVENT_CONNECT, socketId, 0, 0, 1, empty));
            case "churn" -> {
              channel.send(Frame.encode(Frame.EVENT_CONNECT, socketId, 0, 0, 1, empty));
              channel.send(Frame.encode(Frame.EVENT_CLOSE, socketId, 0, 0, 1, empty));
              sent++;
            }
            case "ping" -> channel.send(Extensions.ping(false, nonce++));
            default -> throw new IllegalArgumentException("mode: " + mode + " (expected: connect, churn or ping)");
          }
          sent++;
        }
        if (closed.isDone()) {
          String reason = closed.getNow("");
          System.out.println("flooder cut reason=" + reason);
          cuts.merge(reason.replaceAll("[0-9]+", "N"), 1, Integer::sum);
        }
      }
    }
    System.out.println("flood_done sent=" + sent + " cuts=" + cuts.values().stream().mapToInt(i -> i).sum());
    cuts.forEach((reason, n) -> System.out.println("flood_cut " + n + "x " + reason));
    System.exit(0);
  }
}

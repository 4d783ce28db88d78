package dev.p2ptunnel.consumer;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.ClientOptions;
import dev.p2ptunnel.webrtc.ClientTunnel;
import dev.p2ptunnel.webrtc.HostOptions;
import dev.p2ptunnel.webrtc.HostTunnel;
import dev.p2ptunnel.webrtc.InMemorySignaling;
import dev.p2ptunnel.webrtc.Tunnel;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Shares a loopback echo service through {@code Tunnel.host} and reaches it through {@code Tunnel.client}, both in
 * this process, joined by {@link InMemorySignaling} over a real DataChannel; sends 256 KiB through and checks the
 * echo. Prints what it did; exits 0 on success, 1 on any failure. Needs a network with a non-loopback interface
 * (libwebrtc gathers no loopback candidates) and uses no ICE server, so nothing leaves the machine's own addresses.
 */
public final class ConsumerApp {
  private static final int BYTES = 256 * 1024;
  private static final Duration OPEN = Duration.ofSeconds(60);

  private ConsumerApp() {}

  /** Runs the check and exits; libwebrtc's native threads would keep the JVM alive otherwise. */
  public static void main(String[] args) {
    int code;
    try {
      run();
      code = 0;
    } catch (Exception | Error e) {
      System.out.println("FAILED: " + e);
      e.printStackTrace(System.out);
      code = 1;
    }
    System.out.flush();
    System.exit(code);
  }

  private static void run() throws Exception {
    Module self = ConsumerApp.class.getModule();
    System.out.println("running as module " + self.getName() + ", p2p-webrtc as module "
        + HostTunnel.class.getModule().getName());
    System.out.println("native modules in the boot layer: " + ModuleLayer.boot().modules().stream()
        .map(Module::getName).filter(name -> name.startsWith("webrtc.") && !name.equals("webrtc.java"))
        .sorted().collect(Collectors.toList()));

    WebRtcConfig hostCandidatesOnly = WebRtcConfig.builder().iceServers(List.of()).build();
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread service = new Thread(() -> serveEcho(echo), "echo-service");
      service.setDaemon(true);
      service.start();

      InMemorySignaling signaling = new InMemorySignaling();
      try (HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", echo.getLocalPort())
              .signaling(signaling).webRtc(hostCandidatesOnly).build());
          ClientTunnel client = Tunnel.client(ClientOptions.builder(0)
              .signaling(signaling).webRtc(hostCandidatesOnly).build())) {
        client.awaitOpen(OPEN);
        host.awaitOpen(OPEN);
        System.out.println("tunnel open: " + client.path().get());

        byte[] sent = new byte[BYTES];
        new Random(18).nextBytes(sent);
        byte[] received = new byte[BYTES];
        InetSocketAddress local = client.localAddress();
        try (Socket app = new Socket(local.getAddress(), local.getPort())) {
          app.setSoTimeout((int) OPEN.toMillis());
          OutputStream out = app.getOutputStream();
          Thread writer = new Thread(() -> {
            try {
              out.write(sent);
              out.flush();
            } catch (IOException e) {
              System.out.println("write failed: " + e);
            }
          }, "app-writer");
          writer.start();
          InputStream in = app.getInputStream();
          int got = 0;
          while (got < BYTES) {
            int n = in.read(received, got, BYTES - got);
            if (n < 0) {
              throw new IOException("the echo ended after " + got + " of " + BYTES + " bytes");
            }
            got += n;
          }
          writer.join();
        }
        if (!Arrays.equals(sent, received)) {
          throw new AssertionError("the echo differs from what was sent");
        }
        BridgeStats stats = client.stats();
        System.out.println("echo ok: " + BYTES + " bytes through the tunnel and back"
            + (stats == null ? "" : "; client bridge stats: " + stats));
      }
    }
    System.out.println("closed");
  }

  private static void serveEcho(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket peer = server.accept()) {
        peer.getInputStream().transferTo(peer.getOutputStream());
      } catch (IOException e) {
        // server closed, or the peer went away: take the next one
      }
    }
  }
}

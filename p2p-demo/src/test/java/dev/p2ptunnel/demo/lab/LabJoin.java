package dev.p2ptunnel.demo.lab;

import dev.p2ptunnel.webrtc.ClientListener;
import dev.p2ptunnel.webrtc.ClientOptions;
import dev.p2ptunnel.webrtc.ClientTunnel;
import dev.p2ptunnel.webrtc.Identity;
import dev.p2ptunnel.webrtc.Tunnel;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcSession;
import dev.p2ptunnel.webrtc.signaling.HttpSignaling;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A client through the library, started ahead and idle until told: {@code LabJoin URL SESSION PORT STUN NAME} loads
 * libwebrtc, prints {@code ready}, waits for a line on standard input, then joins and prints
 * {@code go_epoch_ms=}, {@code code_epoch_ms=} (the host answered the join: its place was free) and
 * {@code open_epoch_ms=}. So a test measures how fast a join gets through, without a JVM start in the figure.
 */
public final class LabJoin {
  private LabJoin() {}

  public static void main(String[] args) throws Exception {
    // What a client does before it joins: load libwebrtc, its identity, its signaling client.
    WebRtcSession.preload();
    Identity identity = Identity.generate();
    HttpSignaling signaling = new HttpSignaling(URI.create(args[0]), args[1]);
    WebRtcConfig config = WebRtcConfig.builder().iceServers(List.of(WebRtcConfig.IceServer.stun(args[3]))).build();
    System.out.println("ready");
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    System.out.println("go_epoch_ms=" + System.currentTimeMillis());
    try (ClientTunnel client = Tunnel.client(ClientOptions.builder(Integer.parseInt(args[2]))
        .signaling(signaling).name(args[4]).webRtc(config).identity(identity)
        .listener(new ClientListener() {
          @Override
          public void onShortAuthString(String code) {
            System.out.println("code_epoch_ms=" + System.currentTimeMillis());
          }
        }).build())) {
      client.awaitOpen(Duration.ofSeconds(30));
      System.out.println("open_epoch_ms=" + System.currentTimeMillis());
      client.awaitClosed(Duration.ofMinutes(5));
    }
    System.exit(0);
  }
}

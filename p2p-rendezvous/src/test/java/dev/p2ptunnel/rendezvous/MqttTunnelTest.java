package dev.p2ptunnel.rendezvous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.ClientListener;
import dev.p2ptunnel.webrtc.ClientOptions;
import dev.p2ptunnel.webrtc.ClientTunnel;
import dev.p2ptunnel.webrtc.HostOptions;
import dev.p2ptunnel.webrtc.HostTunnel;
import dev.p2ptunnel.webrtc.Identity;
import dev.p2ptunnel.webrtc.JoinDecision;
import dev.p2ptunnel.webrtc.TrustStore;
import dev.p2ptunnel.webrtc.Tunnel;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tunnel.host and Tunnel.client meeting through rendezvous over a real DataChannel, in the test namespace with a
 * mosquitto on its loopback: the same approval, code and trusted-identity behaviour as every signaling.
 */
@Timeout(120)
class MqttTunnelTest {
  private static final Duration OPEN = Duration.ofSeconds(30);
  private Mosquitto broker;
  private ServerSocket service;
  private Thread serving;

  @BeforeEach
  void start() throws Exception {
    String ns = System.getenv("P2P_TEST_NETNS");
    if (ns == null || ns.isEmpty()) {
      String why = System.getenv("P2P_TEST_NETNS_UNAVAILABLE");
      String reason = "SKIPPED: needs a test network namespace (libwebrtc gathers no loopback candidates): "
          + (why == null ? "JVM not started through scripts/netns-java" : why);
      System.err.println(reason);
      Assumptions.abort(reason);
    }
    Mosquitto.assumeInstalled();
    broker = Mosquitto.start("tunnel");
    service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    serving = new Thread(this::echo, "echo-service");
    serving.setDaemon(true);
    serving.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /** Upper-cases what it reads, line by line. */
  private void echo() {
    while (!service.isClosed()) {
      try (Socket socket = service.accept()) {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
          out.write(Character.toUpperCase(b));
          if (b == '\n') {
            out.flush();
          }
        }
      } catch (IOException e) {
        // next connection, or closed
      }
    }
  }

  private static WebRtcConfig webRtc() {
    return WebRtcConfig.builder().iceServers(List.of()).build(); // host candidates only: nothing leaves
  }

  private static String roundTrip(ClientTunnel client, String line) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), client.localAddress().getPort())) {
      socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      byte[] reply = socket.getInputStream().readNBytes(line.length() + 1);
      return new String(reply, StandardCharsets.UTF_8).strip();
    }
  }

  @Test
  void shouldTunnelWithTheSameCodeOnBothSidesAndLetATrustedClientBackWithoutAsking() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    Identity clientIdentity = Identity.generate();
    TrustStore knownHosts = TrustStore.inMemory();
    try (MqttHostSignaling signaling = MqttHostSignaling.open(Fixtures.config(broker).build());
        HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", service.getLocalPort()).signaling(signaling)
            .webRtc(webRtc()).stayOpen(true).identity(Identity.generate()).trustStore(TrustStore.inMemory())
            .approver(join -> {
              asked.add(join.clientName() + " " + join.shortAuthString() + " " + join.clientAddress());
              return CompletableFuture.completedFuture(JoinDecision.approveAndTrust());
            }).build())) {
      CompletableFuture<String> code = new CompletableFuture<>();
      try (MqttSignaling joining = new MqttSignaling(Fixtures.config(broker).build(), signaling.sessionId());
          ClientTunnel client = Tunnel.client(ClientOptions.builder(0).signaling(joining).webRtc(webRtc())
              .name("alice").identity(clientIdentity).knownHosts(knownHosts).listener(new ClientListener() {
                @Override
                public void onShortAuthString(String value) {
                  code.complete(value);
                }
              }).build())) {
        client.awaitOpen(OPEN);
        assertEquals("HELLO THROUGH RENDEZVOUS", roundTrip(client, "hello through rendezvous"));
        assertEquals(List.of("alice " + code.getNow(null) + " null"), asked, "the host saw the code the client "
            + "showed, and no address");
        assertTrue(knownHosts.fingerprint("rendezvous:" + signaling.sessionId()).isPresent(),
            "the client remembers the host under its Session ID");
      }
      try (MqttSignaling again = new MqttSignaling(Fixtures.config(broker).build(), signaling.sessionId());
          ClientTunnel client = Tunnel.client(ClientOptions.builder(0).signaling(again).webRtc(webRtc())
              .name("alice").identity(clientIdentity).knownHosts(knownHosts).build())) {
        client.awaitOpen(OPEN);
        assertEquals("BACK", roundTrip(client, "back"));
        assertEquals(1, asked.size(), "a trusted client is let in without asking: " + asked);
      }
      assertNotNull(host.path());
    }
  }

  @Test
  void shouldCloseTheClientWithTheHostsRefusal() throws Exception {
    try (MqttHostSignaling signaling = MqttHostSignaling.open(Fixtures.config(broker).build());
        HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", service.getLocalPort()).signaling(signaling)
            .webRtc(webRtc()).approver(join -> CompletableFuture.completedFuture(
                JoinDecision.refuse("not today"))).build());
        MqttSignaling joining = new MqttSignaling(Fixtures.config(broker).build(), signaling.sessionId());
        ClientTunnel client = Tunnel.client(ClientOptions.builder(0).signaling(joining).webRtc(webRtc()).name("eve")
            .build())) {
      assertEquals("tunnel setup failed: not today", client.awaitClosed(OPEN));
      assertNotNull(host);
    }
  }
}

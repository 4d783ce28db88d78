package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Approval, short authentication strings and several clients of one host, over real DataChannels. */
@Timeout(120)
class HostTunnelTest {
  private static final Duration OPEN = Duration.ofSeconds(20);
  private ServerSocket echo;

  @BeforeEach
  void setUp() throws IOException {
    TestNetns.assumeNamespace();
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread service = new Thread(() -> {
      while (!echo.isClosed()) {
        try {
          Socket socket = echo.accept();
          Thread t = new Thread(() -> {
            try (socket) {
              socket.getInputStream().transferTo(socket.getOutputStream());
            } catch (IOException e) {
              // peer went away
            }
          });
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    service.setDaemon(true);
    service.start();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (echo != null) {
      echo.close();
    }
  }

  private HostOptions.Builder hostOptions(HostSignaling signaling) {
    return HostOptions.builder("127.0.0.1", echo.getLocalPort()).signaling(signaling).webRtc(TestNetns.config());
  }

  private static ClientTunnel client(Signaling signaling) throws IOException {
    return Tunnel.client(ClientOptions.builder(0).signaling(signaling).webRtc(TestNetns.config()).build());
  }

  private static void assertEchoes(ClientTunnel client, String text) throws IOException {
    try (Socket app = new Socket(client.localAddress().getAddress(), client.localAddress().getPort())) {
      app.setSoTimeout(10_000);
      app.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      InputStream in = app.getInputStream();
      assertEquals(text, new String(in.readNBytes(text.length()), java.nio.charset.StandardCharsets.US_ASCII));
    }
  }

  @Test
  void shouldShowTheSameShortAuthStringOnBothSides() throws Exception {
    List<String> seenByHost = new CopyOnWriteArrayList<>();
    InMemorySignaling signaling = new InMemorySignaling("alice");
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).approver((name, sas) -> {
          seenByHost.add(name + " " + sas);
          return true;
        }).build());
        ClientTunnel client = client(signaling)) {
      client.awaitOpen(OPEN);
      host.awaitOpen(OPEN);
      String sas = client.shortAuthString();
      assertNotNull(sas);
      assertTrue(sas.matches("\\d{3} \\d{3}"), sas);
      assertEquals(List.of("alice " + sas), seenByHost);
      assertEquals(sas, host.clients().get(0).shortAuthString());
      assertEchoes(client, "approved");
    }
  }

  @Test
  void shouldGiveADifferentCodeWhenTheAnswerIsTamperedWith() throws Exception {
    // A man in the middle replaces the host's answer with his own: the codes differ (and DTLS fails too).
    List<String> hostCodes = new CopyOnWriteArrayList<>();
    InMemorySignaling honest = new InMemorySignaling();
    Signaling tampering = offer -> honest.exchange(offer).thenApply(answer -> new SessionDescription(
        answer.type(), answer.sdp().replaceFirst("(a=fingerprint:\\S+ )([0-9A-F]{2})", "$1"
            + (answer.sdp().contains("fingerprint:sha-256 00") ? "11" : "00"))));
    try (HostTunnel host = Tunnel.host(hostOptions(honest).approver((name, sas) -> hostCodes.add(sas)).build());
        ClientTunnel client = client(tampering)) {
      long deadline = System.nanoTime() + OPEN.toNanos();
      while (client.shortAuthString() == null && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertNotNull(client.shortAuthString());
      assertEquals(1, hostCodes.size());
      assertNotEquals(hostCodes.get(0), client.shortAuthString());
      assertThrows(Exception.class, () -> client.awaitOpen(Duration.ofSeconds(15)), "DTLS refuses the forged answer");
      assertTrue(host.clients().size() <= 1);
    }
  }

  @Test
  void shouldTellARejectedClientWhy() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling("mallory");
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).stayOpen(true).approver((n, s) -> false).build());
        ClientTunnel client = client(signaling)) {
      WebRtcException e = assertThrows(WebRtcException.class, () -> client.awaitOpen(OPEN));
      assertEquals("tunnel closed before it opened: tunnel setup failed: rejected by the host", e.getMessage());
      assertEquals(TunnelHandle.State.CLOSED, client.state());
      assertEquals(TunnelHandle.State.CONNECTING, host.state(), "the host waits for the next client");
    }
  }

  @Test
  void shouldRefuseASecondClientByDefaultAndServeTwoWhenAllowed() throws Exception {
    InMemorySignaling one = new InMemorySignaling();
    try (HostTunnel host = Tunnel.host(hostOptions(one).build());
        ClientTunnel first = client(one)) {
      first.awaitOpen(OPEN);
      try (ClientTunnel second = client(one)) {
        WebRtcException e = assertThrows(WebRtcException.class, () -> second.awaitOpen(OPEN));
        assertTrue(e.getMessage().endsWith("the host takes no more clients (at most 1)"), e.getMessage());
      }
      assertEchoes(first, "still served");
      assertEquals(1, host.clients().size());
    }

    InMemorySignaling two = new InMemorySignaling();
    List<String> events = new CopyOnWriteArrayList<>();
    HostListener recorder = new HostListener() {
      @Override
      public void onClientOpened(ClientConnection client) {
        events.add("opened " + client.clientName());
      }

      @Override
      public void onClientLeft(ClientConnection client, String reason) {
        events.add("left " + client.clientName());
      }
    };
    try (HostTunnel host = Tunnel.host(hostOptions(two).maxClients(2).stayOpen(true).listener(recorder).build());
        ClientTunnel b = client(two)) {
      ClientTunnel a = client(two);
      a.awaitOpen(OPEN);
      b.awaitOpen(OPEN);
      assertEchoes(a, "from a");
      assertEchoes(b, "from b");
      assertEquals(2, host.clients().size());
      assertNotEquals(a.shortAuthString(), b.shortAuthString(), "each session has its own certificates");
      a.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (host.clients().size() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, host.clients().size(), "the host noticed a leave");
      assertEchoes(b, "b goes on");
      assertEquals(TunnelHandle.State.OPEN, host.state());
      assertTrue(events.contains("left in-process client"), events.toString());
    }
  }

  @Test
  void shouldCloseAfterItsOnlyClientLeftByDefault() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).build())) {
      ClientTunnel client = client(signaling);
      client.awaitOpen(OPEN);
      client.close();
      String reason = host.awaitClosed(Duration.ofSeconds(10));
      assertNotNull(reason);
      assertTrue(reason.startsWith("client in-process client left: "), reason);
    }
  }
}

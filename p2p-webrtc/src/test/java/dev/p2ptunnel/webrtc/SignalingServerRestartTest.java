package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.SignalingServer;
import dev.p2ptunnel.webrtc.signaling.HttpHostSignaling;
import dev.p2ptunnel.webrtc.signaling.HttpSignaling;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host outlives its signaling server, over real DataChannels in the test namespace: the server (in-memory store) is
 * stopped while a client is connected, and another one is started on the same port. The connected client carries on
 * throughout, the host creates its claimed session again on the new server, and a new client joins through it.
 */
@Timeout(180)
class SignalingServerRestartTest {
  private static final Duration OPEN = Duration.ofSeconds(30);
  private static final byte[] CLAIM = "p2p-tunnel test claim 0123456789".getBytes(StandardCharsets.US_ASCII);

  private EchoServer echo;
  private SignalingServer server;

  @BeforeEach
  void setUp() throws IOException {
    TestNetns.assumeNamespace();
    echo = EchoServer.start();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (server != null) {
      server.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  private static SignalingServer start(int port) throws IOException {
    return SignalingServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        SignalingConfig.defaults());
  }

  @Test
  void shouldKeepItsClientsAndTakeANewOneAfterTheServerRestarted() throws Exception {
    server = start(0);
    int port = server.address().getPort();
    java.net.URI uri = server.uri();
    try (HttpHostSignaling hostSignaling = HttpHostSignaling.builder(uri).maxClients(2).claim(CLAIM).create();
        HttpSignaling first = new HttpSignaling(uri, hostSignaling.sessionId());
        HttpSignaling second = new HttpSignaling(uri, hostSignaling.sessionId());
        HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", echo.port()).signaling(hostSignaling)
            .closeSignaling(false).maxClients(2).webRtc(TestNetns.config()).build());
        ClientTunnel alice = Tunnel.client(ClientOptions.builder(0).signaling(first).name("alice")
            .webRtc(TestNetns.config()).build())) {
      alice.awaitOpen(OPEN);
      try (Socket app = new Socket(alice.localAddress().getAddress(), alice.localAddress().getPort())) {
        assertEquals("one", roundTrip(app, "one"));

        server.close(); // the in-memory store goes with it
        server = null;
        await(() -> hostSignaling.unreachableSince() != null, Duration.ofSeconds(60), "the host notices");
        assertEquals("two", roundTrip(app, "two"), "the connected client needs no signaling");
        assertTrue(host.state() != TunnelHandle.State.CLOSED, "the host goes on");

        server = start(port);
        await(() -> hostSignaling.unreachableSince() == null, Duration.ofSeconds(90), "the session is back");
        try (ClientTunnel bob = Tunnel.client(ClientOptions.builder(0).signaling(second).name("bob")
            .webRtc(TestNetns.config()).build())) {
          bob.awaitOpen(OPEN);
          try (Socket other = new Socket(bob.localAddress().getAddress(), bob.localAddress().getPort())) {
            assertEquals("bob", roundTrip(other, "bob"), "a new client joined after the restart");
          }
        }
        assertEquals("three", roundTrip(app, "three"), "the first client still carries");
      }
    }
  }

  private static String roundTrip(Socket socket, String text) throws IOException {
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    socket.getOutputStream().write(bytes);
    socket.setSoTimeout(30_000);
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.append((char) c);
    }
    return line.toString();
  }

  private static void await(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
      }
      Thread.sleep(50);
    }
  }
}

package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.MessageChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A signaling that is a man in the middle: it answers the client's offer with a DTLS session of its own, offers to
 * the host with another, and relays every message between the two open channels. It follows the protocol as well as
 * it can (it forwards the client's commitment, and gives the client the host's nonce), but it must name its
 * certificates before the client reveals its nonce, so the two codes differ; once the channels open, both sides see
 * that the other saw other fingerprints. A second run with an honest relay shows equal codes and a working tunnel.
 * One process, real DataChannels, in the test namespace.
 */
@Timeout(120)
class ManInTheMiddleTest {
  private static final Duration STEP = Duration.ofSeconds(20);
  private ServerSocket service;
  private final AtomicInteger serviceConnections = new AtomicInteger();

  @BeforeEach
  void setUp() throws IOException {
    TestNetns.assumeNamespace();
    service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(() -> {
      while (!service.isClosed()) {
        try (Socket socket = service.accept()) {
          serviceConnections.incrementAndGet();
          socket.getOutputStream().write("service".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          return;
        }
      }
    });
    accept.setDaemon(true);
    accept.start();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (service != null) {
      service.close();
    }
  }

  /** The relay: honest (passes every message on) or substituting (two DTLS sessions of its own). */
  static final class Relay implements Signaling, AutoCloseable {
    final InMemorySignaling host;
    final boolean substitute;
    final List<WebRtcSession> sessions = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> relayed = new CompletableFuture<>();

    Relay(InMemorySignaling host, boolean substitute) {
      this.host = host;
      this.substitute = substitute;
    }

    @Override
    public ClientJoin join(JoinOffer clientOffer) {
      if (!substitute) {
        return host.join(clientOffer);
      }
      CompletableFuture<HostReply> first = new CompletableFuture<>();
      CompletableFuture<JoinReveal> clientReveal = new CompletableFuture<>();
      CompletableFuture<JoinAnswer> answer = new CompletableFuture<>();
      Thread mitm = new Thread(() -> {
        try {
          WebRtcSession towardHost = WebRtcSession.offer(TestNetns.config(), Identity.generate());
          sessions.add(towardHost);
          ClientJoin up = host.join(new JoinOffer(clientOffer.clientName(), towardHost.localDescription(),
              clientOffer.commitment()));
          JoinChallenge hostChallenge = (JoinChallenge) up.firstReply().get(20, TimeUnit.SECONDS);
          Identity towardClientIdentity = Identity.generate();
          first.complete(new JoinChallenge(towardClientIdentity.fingerprint(), hostChallenge.hostNonce()));
          JoinReveal reveal = clientReveal.get(20, TimeUnit.SECONDS);
          JoinAnswer hostAnswer = up.reveal(new JoinReveal(reveal.clientNonce(), null, null))
              .get(20, TimeUnit.SECONDS);
          towardHost.acceptAnswer(hostAnswer.answer());
          WebRtcSession towardClient = WebRtcSession.answer(TestNetns.config(), clientOffer.offer(),
              towardClientIdentity);
          sessions.add(towardClient);
          answer.complete(JoinAnswer.of(towardClient.localDescription()));
          MessageChannel a = towardClient.dataChannel(STEP);
          MessageChannel b = towardHost.dataChannel(STEP);
          a.start(forwardTo(b));
          b.start(forwardTo(a));
          relayed.complete("relaying two DTLS sessions");
        } catch (Exception e) {
          first.completeExceptionally(e);
          answer.completeExceptionally(e);
          relayed.completeExceptionally(e);
        }
      }, "mitm");
      mitm.setDaemon(true);
      mitm.start();
      return new ClientJoin() {
        @Override
        public CompletableFuture<HostReply> firstReply() {
          return first;
        }

        @Override
        public CompletableFuture<JoinAnswer> reveal(JoinReveal reveal) {
          clientReveal.complete(reveal);
          return answer;
        }

        @Override
        public void withdraw(String reason) {
          first.completeExceptionally(new WebRtcException(reason));
        }
      };
    }

    private static MessageChannel.Listener forwardTo(MessageChannel other) {
      return new MessageChannel.Listener() {
        @Override
        public void onMessage(ByteBuffer message) {
          other.send(message);
        }

        @Override
        public void onWritable() {}

        @Override
        public void onClosed(String reason) {
          other.close("relay: the other side closed");
        }
      };
    }

    @Override
    public void close() {
      sessions.forEach(WebRtcSession::close);
    }
  }

  private static final class Codes implements ClientListener, JoinApprover, HostListener {
    final CompletableFuture<String> client = new CompletableFuture<>();
    final CompletableFuture<String> host = new CompletableFuture<>();
    final CompletableFuture<String> hostEnded = new CompletableFuture<>();

    @Override
    public void onShortAuthString(String code) {
      client.complete(code);
    }

    @Override
    public CompletableFuture<JoinDecision> decide(PendingJoin join) {
      host.complete(join.shortAuthString());
      return CompletableFuture.completedFuture(JoinDecision.approve()); // a careless person approves anyway
    }

    @Override
    public void onClientLeft(ClientConnection connection, String reason) {
      hostEnded.complete(reason);
    }
  }

  @Test
  void shouldShowDifferentCodesAndReportTheSubstitutionOnceTheChannelsOpen() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    Codes codes = new Codes();
    try (Relay mitm = new Relay(signaling, true);
        HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", service.getLocalPort()).signaling(signaling)
            .webRtc(TestNetns.config()).approver(codes).listener(codes).stayOpen(true).build());
        ClientTunnel client = Tunnel.client(ClientOptions.builder(0).signaling(mitm).webRtc(TestNetns.config())
            .name("victim").listener(codes).build())) {
      String clientCode = codes.client.get(20, TimeUnit.SECONDS);
      String hostCode = codes.host.get(20, TimeUnit.SECONDS);
      System.out.println("codes under a relay that substitutes both descriptions: client " + clientCode + ", host "
          + hostCode);
      assertNotEquals(clientCode, hostCode, "the codes differ (equal only by chance, ~1e-6)");
      assertEquals("relaying two DTLS sessions", mitm.relayed.get(20, TimeUnit.SECONDS));

      String clientReason = client.awaitClosed(STEP);
      assertNotNull(clientReason, "the client ended");
      assertTrue(clientReason.startsWith("tunnel setup failed: fingerprint mismatch: the host saw client sha-256 "),
          clientReason);
      String hostReason = codes.hostEnded.get(20, TimeUnit.SECONDS);
      assertTrue(hostReason.contains("fingerprint mismatch: the client saw client sha-256 "), hostReason);
      assertEquals(0, serviceConnections.get(), "nothing of the service flowed");
      assertTrue(host.clients().isEmpty());
    }
  }

  @Test
  void shouldShowEqualCodesAndConnectThroughAnHonestRelay() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    Codes codes = new Codes();
    try (Relay honest = new Relay(signaling, false);
        HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", service.getLocalPort()).signaling(signaling)
            .webRtc(TestNetns.config()).approver(codes).build());
        ClientTunnel client = Tunnel.client(ClientOptions.builder(0).signaling(honest).webRtc(TestNetns.config())
            .name("friend").listener(codes).build())) {
      client.awaitOpen(STEP);
      host.awaitOpen(STEP);
      assertEquals(codes.client.get(5, TimeUnit.SECONDS), codes.host.get(5, TimeUnit.SECONDS));
      try (Socket app = new Socket(client.localAddress().getAddress(), client.localAddress().getPort())) {
        app.setSoTimeout(10_000);
        assertEquals("service", new String(app.getInputStream().readNBytes(7), StandardCharsets.US_ASCII));
      }
    }
  }
}

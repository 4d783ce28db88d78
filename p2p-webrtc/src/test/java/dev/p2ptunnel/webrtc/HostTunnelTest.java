package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Approval, the code, trust, limits and several clients of one host, over real DataChannels. */
@Timeout(120)
class HostTunnelTest {
  private static final Duration OPEN = Duration.ofSeconds(20);
  private EchoServer echo;

  @BeforeEach
  void setUp() throws IOException {
    TestNetns.assumeNamespace();
    echo = EchoServer.start();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (echo != null) {
      echo.close();
    }
  }

  private HostOptions.Builder hostOptions(HostSignaling signaling) {
    return HostOptions.builder("127.0.0.1", echo.port()).signaling(signaling).webRtc(TestNetns.config());
  }

  private static ClientOptions.Builder clientOptions(Signaling signaling, String name) {
    return ClientOptions.builder(0).signaling(signaling).webRtc(TestNetns.config()).name(name);
  }

  private static void assertEchoes(ClientTunnel client, String text) throws IOException {
    try (Socket app = new Socket(client.localAddress().getAddress(), client.localAddress().getPort())) {
      app.setSoTimeout(10_000);
      app.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      InputStream in = app.getInputStream();
      assertEquals(text, new String(in.readNBytes(text.length()), StandardCharsets.US_ASCII));
    }
  }

  /** An approver that hands each pending join to the test, which decides when it likes. */
  static final class ManualApprover implements JoinApprover {
    final LinkedBlockingQueue<PendingJoin> asked = new LinkedBlockingQueue<>();
    final List<CompletableFuture<JoinDecision>> answers = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<JoinDecision> decide(PendingJoin join) {
      CompletableFuture<JoinDecision> answer = new CompletableFuture<>();
      answers.add(answer);
      asked.add(join);
      return answer;
    }

    PendingJoin next() throws InterruptedException {
      PendingJoin join = asked.poll(20, TimeUnit.SECONDS);
      assertNotNull(join, "the approver was not asked");
      return join;
    }

    void answer(int index, JoinDecision decision) {
      answers.get(index).complete(decision);
    }
  }

  /** Records what the client shows. */
  static final class Shown implements ClientListener {
    final CompletableFuture<@Nullable String> code = new CompletableFuture<>();
    final CompletableFuture<Void> approved = new CompletableFuture<>();

    @Override
    public void onShortAuthString(String value) {
      code.complete(value);
    }

    @Override
    public void onNoShortAuthString() {
      code.complete(null);
    }

    @Override
    public void onApproved() {
      approved.complete(null);
    }
  }

  @Test
  void shouldShowTheSameCodeOnBothSidesBeforeTheHostApproves() throws Exception {
    ManualApprover approver = new ManualApprover();
    InMemorySignaling signaling = InMemorySignaling.withClientAddress("198.51.100.7");
    Shown shown = new Shown();
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).approver(approver).build());
        ClientTunnel client = Tunnel.client(clientOptions(signaling, "alice").listener(shown).build())) {
      PendingJoin pending = approver.next();
      String code = shown.code.get(20, TimeUnit.SECONDS);
      assertNotNull(code);
      assertTrue(code.matches("\\d{3} \\d{3}"), code);
      assertEquals(code, pending.shortAuthString(), "both sides show the same code before the decision");
      assertEquals("alice", pending.clientName());
      assertEquals("198.51.100.7", pending.clientAddress());
      assertEquals(TunnelHandle.State.CONNECTING, client.state(), "nothing connects before the approval");
      assertTrue(host.clients().isEmpty(), "no client before the approval");
      approver.answer(0, JoinDecision.approve());
      client.awaitOpen(OPEN);
      host.awaitOpen(OPEN);
      assertEquals(code, client.shortAuthString());
      assertEquals(code, host.clients().get(0).shortAuthString());
      assertFalse(host.clients().get(0).trusted());
      assertEchoes(client, "approved");
    }
  }

  @Test
  void shouldTellARefusedClientWhyAndKeepHosting() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).stayOpen(true)
            .approver(join -> CompletableFuture.completedFuture(JoinDecision.refuse("not on the guest list")))
            .build());
        ClientTunnel client = Tunnel.client(clientOptions(signaling, "mallory").build())) {
      WebRtcException e = assertThrows(WebRtcException.class, () -> client.awaitOpen(OPEN));
      assertEquals("tunnel closed before it opened: tunnel setup failed: not on the guest list", e.getMessage());
      assertEquals(TunnelHandle.State.CONNECTING, host.state(), "the host waits for the next client");
    }
  }

  @Test
  void shouldRefuseAJoinNotDecidedInTimeAndTellTheApproverToStopAsking() throws Exception {
    ManualApprover approver = new ManualApprover();
    InMemorySignaling signaling = new InMemorySignaling();
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).stayOpen(true).approver(approver)
            .approveTimeout(Duration.ofSeconds(1)).build());
        ClientTunnel client = Tunnel.client(clientOptions(signaling, "late").build())) {
      PendingJoin pending = approver.next();
      assertEquals("the host did not decide within 1 s", pending.cancelled().get(20, TimeUnit.SECONDS));
      assertEquals("tunnel setup failed: the host did not decide within 1 s", client.awaitClosed(OPEN));
      approver.answer(0, JoinDecision.approve()); // too late: ignored
      assertTrue(host.clients().isEmpty());
    }
  }

  @Test
  void shouldJoinATrustedClientWithoutAskingAfterItWasApprovedAndTrusted() throws Exception {
    ManualApprover approver = new ManualApprover();
    TrustStore trust = TrustStore.inMemory();
    Identity alice = Identity.generate();
    InMemorySignaling signaling = new InMemorySignaling();
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).stayOpen(true).approver(approver).trustStore(trust)
        .build())) {
      try (ClientTunnel first = Tunnel.client(clientOptions(signaling, "alice").identity(alice).build())) {
        PendingJoin pending = approver.next();
        assertEquals(alice.fingerprint(), pending.clientFingerprint());
        approver.answer(0, JoinDecision.approveAndTrust());
        first.awaitOpen(OPEN);
      }
      assertTrue(trust.trustsClient(alice.fingerprint()));
      try (ClientTunnel again = Tunnel.client(clientOptions(signaling, "alice").identity(alice).build())) {
        again.awaitOpen(OPEN);
        assertEchoes(again, "no prompt");
        assertTrue(approver.asked.isEmpty(), "a trusted identity is not asked about");
        assertTrue(host.clients().stream().anyMatch(ClientConnection::trusted));
      }
      try (ClientTunnel stranger = Tunnel.client(clientOptions(signaling, "alice").build())) {
        assertEquals("alice", approver.next().clientName(), "the same name with another identity is asked about");
        approver.answer(1, JoinDecision.refuse("who are you?"));
        assertEquals("tunnel setup failed: who are you?", stranger.awaitClosed(OPEN));
      }
    }
  }

  @Test
  void shouldRefuseAHostWhoseIdentityChanged() throws Exception {
    TrustStore known = TrustStore.inMemory();
    InMemorySignaling first = new InMemorySignaling();
    Signaling keyed = new Signaling() {
      @Override
      public ClientJoin join(JoinOffer offer) {
        return first.join(offer);
      }

      @Override
      public String hostKey() {
        return "http://signal.test/#SESSION";
      }
    };
    try (HostTunnel host = Tunnel.host(hostOptions(first).build());
        ClientTunnel client = Tunnel.client(clientOptions(keyed, "bob").knownHosts(known).build())) {
      client.awaitOpen(OPEN);
      host.awaitOpen(OPEN);
    }
    assertTrue(known.fingerprint("http://signal.test/#SESSION").isPresent(), "the host was remembered");
    InMemorySignaling second = new InMemorySignaling();
    Signaling keyedAgain = new Signaling() {
      @Override
      public ClientJoin join(JoinOffer offer) {
        return second.join(offer);
      }

      @Override
      public String hostKey() {
        return "http://signal.test/#SESSION";
      }
    };
    try (HostTunnel impostor = Tunnel.host(hostOptions(second).identity(Identity.generate()).build());
        ClientTunnel client = Tunnel.client(clientOptions(keyedAgain, "bob").knownHosts(known).build())) {
      String reason = client.awaitClosed(OPEN);
      assertNotNull(reason);
      assertTrue(reason.startsWith("tunnel setup failed: THE HOST'S IDENTITY HAS CHANGED for "
          + "http://signal.test/#SESSION: remembered sha-256 "), reason);
      assertTrue(impostor.clients().isEmpty());
    }
  }

  @Test
  void shouldServeAClientWithoutThePairingExtensionWithoutACode() throws Exception {
    ManualApprover approver = new ManualApprover();
    InMemorySignaling signaling = new InMemorySignaling();
    Shown shown = new Shown();
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).approver(approver).build());
        ClientTunnel client = Tunnel.client(clientOptions(signaling, "original").pairing(false).listener(shown)
            .build())) {
      PendingJoin pending = approver.next();
      assertNull(pending.shortAuthString(), "an original client has no code");
      approver.answer(0, JoinDecision.approve());
      client.awaitOpen(OPEN);
      assertNull(host.clients().get(0).shortAuthString());
      assertNull(shown.code.get(5, TimeUnit.SECONDS));
      assertNull(client.shortAuthString());
      assertEchoes(client, "plain");
    }
  }

  @Test
  void shouldKeepOneWaitingJoinPerAddressAndTellAWithdrawal() throws Exception {
    ManualApprover approver = new ManualApprover();
    InMemorySignaling signaling = InMemorySignaling.withClientAddress("203.0.113.9");
    List<String> refused = new CopyOnWriteArrayList<>();
    CompletableFuture<String> secondRefused = new CompletableFuture<>();
    HostListener listener = new HostListener() {
      @Override
      public void onClientRejected(String clientName, String reason) {
        refused.add(clientName + ": " + reason);
        if (clientName.equals("two")) {
          secondRefused.complete(reason);
        }
      }
    };
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).stayOpen(true).approver(approver).listener(listener)
        .build())) {
      ClientTunnel first = Tunnel.client(clientOptions(signaling, "one").build());
      PendingJoin pending = approver.next();
      try (ClientTunnel second = Tunnel.client(clientOptions(signaling, "two").build())) {
        assertEquals("tunnel setup failed: another join request from 203.0.113.9 is waiting for the host's "
            + "decision", second.awaitClosed(OPEN));
      }
      first.close();
      String why = pending.cancelled().get(20, TimeUnit.SECONDS);
      assertTrue(host.clients().isEmpty());
      assertTrue(why.startsWith("withdrawn by the client: "), why);
      // The listener hears it on the host's callback thread, which may come after the client saw the refusal.
      assertEquals("another join request from 203.0.113.9 is waiting for the host's decision",
          secondRefused.get(20, TimeUnit.SECONDS), refused.toString());
    }
  }

  @Test
  void shouldRefuseABusyHostAndServeTwoWhenAllowed() throws Exception {
    InMemorySignaling one = new InMemorySignaling();
    try (HostTunnel host = Tunnel.host(hostOptions(one).build());
        ClientTunnel first = Tunnel.client(clientOptions(one, "first").build())) {
      first.awaitOpen(OPEN);
      try (ClientTunnel second = Tunnel.client(clientOptions(one, "second").build())) {
        WebRtcException e = assertThrows(WebRtcException.class, () -> second.awaitOpen(OPEN));
        assertTrue(e.getMessage().endsWith("the host is busy with another client"), e.getMessage());
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
        ClientTunnel b = Tunnel.client(clientOptions(two, "b").build())) {
      ClientTunnel a = Tunnel.client(clientOptions(two, "a").build());
      a.awaitOpen(OPEN);
      b.awaitOpen(OPEN);
      assertEchoes(a, "from a");
      assertEchoes(b, "from b");
      assertEquals(2, host.clients().size());
      assertNotEquals(a.shortAuthString(), b.shortAuthString(), "each join has its own nonces");
      a.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (host.clients().size() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, host.clients().size(), "the host noticed a leave");
      assertEchoes(b, "b goes on");
      assertEquals(TunnelHandle.State.OPEN, host.state());
      assertTrue(events.contains("left a"), events.toString());
    }
  }

  @Test
  void shouldCloseAfterItsOnlyClientLeftByDefault() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).build())) {
      ClientTunnel client = Tunnel.client(clientOptions(signaling, "solo").build());
      client.awaitOpen(OPEN);
      client.close();
      String reason = host.awaitClosed(Duration.ofSeconds(10));
      assertNotNull(reason);
      assertTrue(reason.startsWith("client solo left: "), reason);
    }
  }
}

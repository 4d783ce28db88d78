package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.Service;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One {@link TunnelListener} hears every {@link TunnelEvent.Kind} in real scenarios over {@link InMemorySignaling}
 * (real DataChannels in the test's namespace): joins approved, refused and without pairing, mappings made and failed,
 * connections carried and refused, an outage long enough for a failed rejoin, the return, leaving and closing. Every
 * event arrives on the tunnel's own callback thread. A kind that is never delivered fails the test.
 */
@Timeout(300)
class TunnelEventTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  /**
   * Host and alice notice the outage after 3 s instead of the default 15 s: the subject here is which events arrive
   * and on which thread, not the default timers (ReconnectTest keeps those).
   */
  private static final BridgeConfig QUICK_KEEPALIVE = BridgeConfig.builder()
      .keepalive(Duration.ofSeconds(1), Duration.ofSeconds(3)).build();

  private EchoServer echo;
  private int closedPort;
  private final Outage outage = new Outage();

  /** An event and the thread it arrived on. */
  private record Seen(TunnelEvent event, String thread) {}

  /** Records what one tunnel end's listener heard. */
  private static final class Recorder implements TunnelListener {
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(TunnelEvent event) {
      seen.add(new Seen(event, Thread.currentThread().getName()));
    }

    boolean has(Predicate<TunnelEvent> what) {
      return seen.stream().anyMatch(s -> what.test(s.event()));
    }

    boolean has(TunnelEvent.Kind kind) {
      return has(e -> e.kind() == kind);
    }

    void await(TunnelEvent.Kind kind) throws InterruptedException {
      await(e -> e.kind() == kind, kind.toString());
    }

    void await(Predicate<TunnelEvent> what, String description) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!has(what)) {
        assertTrue(System.nanoTime() < deadline, "no " + description + " within " + WAIT + "; heard " + seen);
        TimeUnit.MILLISECONDS.sleep(50); // polls a condition; no timing is asserted
      }
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    TestNetns.assumeNamespace();
    echo = EchoServer.start();
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = gone.getLocalPort(); // nothing listens here once closed: the service refuses
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    outage.endIfUnderWay();
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  void shouldDeliverEveryKindOfEventOnTheTunnelsCallbackThread() throws Exception {
    InMemorySignaling memory = new InMemorySignaling();
    Recorder hostEvents = new Recorder();
    Recorder aliceEvents = new Recorder();
    Recorder bobEvents = new Recorder();
    JoinApprover approver = join -> CompletableFuture.completedFuture(join.clientName().equals("mallory")
        ? JoinDecision.refuse("not mallory") : JoinDecision.approve());
    HostOptions hostOptions = HostOptions.builder("127.0.0.1", echo.port())
        .share(Service.tcp("refusing", "127.0.0.1", closedPort)).signaling(new ReconnectTest.NoRestartHost(memory))
        .webRtc(TestNetns.config()).bridge(QUICK_KEEPALIVE).approver(approver).maxClients(3).stayOpen(true)
        .events(hostEvents).build();
    try (HostTunnel host = Tunnel.host(hostOptions)) {
      WebRtcConfig quickRejoins = TestNetns.config().toBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      try (ClientTunnel alice = Tunnel.client(ClientOptions.builder(0).name("alice")
          .signaling(new ReconnectTest.NoRestartClient(memory)).webRtc(quickRejoins).bridge(QUICK_KEEPALIVE)
          .map(Mapping.of("refusing", 0)).map(Mapping.of("nowhere", 0)).events(aliceEvents).build())) {
        alice.awaitOpen(WAIT);
        try (Socket app = new Socket(alice.localAddress().getAddress(), alice.localAddress().getPort())) {
          app.getOutputStream().write(7);
          assertEquals(7, app.getInputStream().read(), "the echo through the tunnel");
        }
        aliceEvents.await(TunnelEvent.Kind.SOCKET_CLOSED);
        aliceEvents.await(TunnelEvent.Kind.MAPPING_FAILED);
        aliceEvents.await(e -> e.kind() == TunnelEvent.Kind.MAPPED && e.mappedPort() != null
            && "refusing".equals(e.mappedPort().mapping().service()), "the refusing service mapped");
        int refusingPort = aliceEvents.seen.stream().map(Seen::event)
            .filter(e -> e.kind() == TunnelEvent.Kind.MAPPED && e.mappedPort() != null
                && "refusing".equals(e.mappedPort().mapping().service()))
            .findFirst().orElseThrow().mappedPort().local().getPort();
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), refusingPort)) {
          refused.setSoTimeout(30_000);
          assertEquals(-1, readOrReset(refused), "the service refused: the connection ends");
        }
        hostEvents.await(e -> e.kind() == TunnelEvent.Kind.ERROR && e.errorKind() == ErrorKind.SERVICE_REFUSED,
            "the host's SERVICE_REFUSED");

        try (ClientTunnel bob = Tunnel.client(ClientOptions.builder(0).name("bob").pairing(false)
            .signaling(new ReconnectTest.NoRestartClient(memory)).webRtc(TestNetns.config()).events(bobEvents)
            .build())) {
          bob.awaitOpen(WAIT);
        }
        hostEvents.await(e -> e.kind() == TunnelEvent.Kind.CLIENT_LEFT && "bob".equals(e.clientName()),
            "bob leaving");

        try (ClientTunnel mallory = Tunnel.client(ClientOptions.builder(0).name("mallory")
            .signaling(new ReconnectTest.NoRestartClient(memory)).webRtc(TestNetns.config()).build())) {
          hostEvents.await(TunnelEvent.Kind.CLIENT_REJECTED);
          assertTrue(mallory.awaitClosed(WAIT) != null, "mallory's tunnel ends");
        }

        outage.begin(); // a total outage: alice loses the host, and her rejoins fail until it ends
        aliceEvents.await(TunnelEvent.Kind.RECONNECTING);
        aliceEvents.await(TunnelEvent.Kind.REJOIN_FAILED);
        // down until the host, too, has seen alice go (its keepalive)
        hostEvents.await(e -> e.kind() == TunnelEvent.Kind.CLIENT_RECONNECTING && "alice".equals(e.clientName()),
            "the host losing alice");
        outage.end();
        aliceEvents.await(TunnelEvent.Kind.RECONNECTED);
        hostEvents.await(e -> e.kind() == TunnelEvent.Kind.CLIENT_RECONNECTED && "alice".equals(e.clientName()),
            "alice back at the host");
      }
      hostEvents.await(e -> e.kind() == TunnelEvent.Kind.CLIENT_LEFT && "alice".equals(e.clientName()),
          "alice leaving");
      assertEquals(List.of(), host.clients(), "every client left");
    }
    hostEvents.await(TunnelEvent.Kind.CLOSED);
    aliceEvents.await(TunnelEvent.Kind.CLOSED);
    bobEvents.await(TunnelEvent.Kind.NO_SHORT_AUTH_STRING);

    Set<TunnelEvent.Kind> missing = EnumSet.allOf(TunnelEvent.Kind.class);
    for (Recorder recorder : List.of(hostEvents, aliceEvents, bobEvents)) {
      recorder.seen.forEach(s -> missing.remove(s.event().kind()));
    }
    assertEquals(Set.of(), missing, "kinds never delivered; host heard " + hostEvents.seen + ", alice heard "
        + aliceEvents.seen);
    assertOn(hostEvents, "p2p-tunnel-callbacks-host-\\d+");
    assertOn(aliceEvents, "p2p-tunnel-callbacks-client-\\d+");
    assertOn(bobEvents, "p2p-tunnel-callbacks-client-\\d+");
    assertEquals(TunnelEvent.Kind.CLOSED, last(hostEvents), "CLOSED is the host's last event");
    assertEquals(TunnelEvent.Kind.CLOSED, last(aliceEvents), "CLOSED is alice's last event");
  }

  private static void assertOn(Recorder recorder, String threadPattern) {
    List<String> elsewhere = new ArrayList<>();
    for (Seen s : recorder.seen) {
      if (!s.thread().matches(threadPattern)) {
        elsewhere.add(s.event().kind() + " on " + s.thread());
      }
    }
    assertEquals(List.of(), elsewhere, "events off the callback thread " + threadPattern);
  }

  private static TunnelEvent.Kind last(Recorder recorder) {
    return recorder.seen.get(recorder.seen.size() - 1).event().kind();
  }

  private static int readOrReset(Socket socket) {
    try {
      return socket.getInputStream().read();
    } catch (IOException reset) {
      return -1;
    }
  }
}

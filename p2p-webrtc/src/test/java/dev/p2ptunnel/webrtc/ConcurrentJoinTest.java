package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Joins proceed concurrently, each bounded: a hostile join that stalls (an approved offer whose client never
 * completes ICE; a challenged client that never reveals) does not delay another client, and a listener that closes a
 * client as it joins does not stall the host. Over real DataChannels, in the test namespace. The hostile joins'
 * bounds (connect timeout 3 min, reveal timeout 30 s) are far above the limits the good client is given, so the good
 * client opening within its limit while the hostile ones still wait shows that nothing waited for them.
 */
@Timeout(150)
class ConcurrentJoinTest {
  private static final Duration OPEN = Duration.ofSeconds(60);
  private ServerSocket target;
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    TestNetns.assumeNamespace();
    target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    target.close();
  }

  private static WebRtcConfig slowToGiveUp() {
    return WebRtcConfig.builder().iceServers(List.of()).connectTimeout(Duration.ofMinutes(3)).build();
  }

  private ClientTunnel client(Signaling signaling, String name) throws IOException {
    ClientTunnel client = Tunnel.client(ClientOptions.builder(0).signaling(signaling).webRtc(TestNetns.config())
        .name(name).build());
    toClose.add(client);
    return client;
  }

  @Test
  void shouldConnectAGoodClientWhileHostileJoinsStall() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    List<ClientConnection> joined = new CopyOnWriteArrayList<>();
    HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", target.getLocalPort()).signaling(signaling)
        .webRtc(slowToGiveUp()).maxClients(3).stayOpen(true).listener(new HostListener() {
          @Override
          public void onClientJoined(ClientConnection client) {
            joined.add(client);
          }
        }).build());
    toClose.add(host);

    // Hostile 1: a real offer, approved and answered, whose client never applies the answer: ICE never completes.
    WebRtcSession silent = WebRtcSession.offer(TestNetns.config());
    toClose.add(() -> silent.close("test over"));
    ClientJoin stalled = signaling.join(new JoinOffer("silent", silent.localDescription(), null));
    assertNotNull(stalled.firstReply().get(60, TimeUnit.SECONDS), "the host answered the silent client");
    // Hostile 2: a paired join that takes the challenge and never reveals its nonce.
    ClientJoin mute = signaling.join(new JoinOffer("mute", WebRtcSession.offer(TestNetns.config())
        .localDescription(), ShortAuthString.commitment(ShortAuthString.newNonce())));
    assertTrue(mute.firstReply().get(60, TimeUnit.SECONDS) instanceof JoinChallenge);

    ClientTunnel good = client(signaling, "good");
    good.awaitOpen(OPEN);

    ClientConnection silentOnHost = joined.stream().filter(c -> c.clientName().equals("silent")).findFirst()
        .orElseThrow();
    assertEquals(TunnelHandle.State.CONNECTING, silentOnHost.state(), "the silent join still waits for ICE");
    assertEquals(List.of("silent", "good"), joined.stream().map(ClientConnection::clientName).toList(),
        "the mute join is still challenged, not approved");
  }

  @Test
  void shouldNotStallTheHostWhenAListenerClosesAClientAsItJoins() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    CompletableFuture<String> joinedOn = new CompletableFuture<>();
    java.util.concurrent.CountDownLatch listenerMayReturn = new java.util.concurrent.CountDownLatch(1);
    HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", target.getLocalPort()).signaling(signaling)
        .webRtc(TestNetns.config()).maxClients(2).stayOpen(true).listener(new HostListener() {
          @Override
          public void onClientJoined(ClientConnection client) {
            if (client.clientName().equals("unwanted")) {
              joinedOn.complete(Thread.currentThread().getName());
              client.close();
              try {
                listenerMayReturn.await(90, TimeUnit.SECONDS); // a slow listener: the host must go on without it
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        }).build());
    toClose.add(host);

    ClientTunnel unwanted = client(signaling, "unwanted");
    assertTrue(joinedOn.get(60, TimeUnit.SECONDS).startsWith("p2p-tunnel-callbacks-host-"), joinedOn.join());
    assertNotNull(unwanted.awaitClosed(OPEN), "the unwanted client was disconnected");

    ClientTunnel wanted = client(signaling, "wanted");
    wanted.awaitOpen(OPEN); // while the listener still sits in onClientJoined
    assertEquals(1, listenerMayReturn.getCount(), "the listener is still blocked");
    listenerMayReturn.countDown();
    assertEquals(List.of("wanted"), host.clients().stream().map(ClientConnection::clientName).toList());
  }

  @Test
  void shouldCallTheClientListenerAndCompleteItsFuturesOnTheClientsCallbackThread() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    toClose.add(Tunnel.host(HostOptions.builder("127.0.0.1", target.getLocalPort()).signaling(signaling)
        .webRtc(TestNetns.config()).build()));
    List<String> events = new CopyOnWriteArrayList<>();
    ClientTunnel client = Tunnel.client(ClientOptions.builder(0).signaling(signaling).webRtc(TestNetns.config())
        .name("alice").listener(new ClientListener() {
          @Override
          public void onShortAuthString(String code) {
            events.add("code on " + Thread.currentThread().getName());
          }

          @Override
          public void onApproved() {
            events.add("approved on " + Thread.currentThread().getName());
          }
        }).build());
    toClose.add(client);
    CompletableFuture<String> openedOn = new CompletableFuture<>();
    client.opened().whenComplete((ok, error) -> openedOn.complete(Thread.currentThread().getName()));
    client.awaitOpen(OPEN);
    String thread = openedOn.get(60, TimeUnit.SECONDS);
    assertTrue(thread.matches("p2p-tunnel-callbacks-client-\\d+"), thread);
    assertEquals(List.of("code on " + thread, "approved on " + thread), events, "in order, on the same thread");
  }
}

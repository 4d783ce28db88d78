package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tunnels that survive the network: a total outage of the test namespace's WebRTC traffic (iptables, loopback spared)
 * longer than libwebrtc's FAILED (~17.5 s), during a transfer through an echo service; afterwards every byte arrives,
 * once, in order. Over signaling that carries ICE restarts the same session comes back; over signaling that does not,
 * the client rejoins with a new session and the bridge resumes over it.
 */
@Timeout(240)
class ReconnectTest {
  private static final Duration OPEN = Duration.ofSeconds(20);
  /**
   * From the cut to the network's return: past libwebrtc's FAILED (~17.5 s). The client says RECONNECTING within it
   * (the bridge's default keepalive, 15 s).
   */
  private static final Duration OUTAGE = Duration.ofSeconds(20);
  private static final long TOTAL = 24L << 20;

  private EchoServer echo;
  private final List<WebRtcSession> sessions = new CopyOnWriteArrayList<>();
  private final List<String> hostEvents = new CopyOnWriteArrayList<>();
  private final Outage outage = new Outage();

  @BeforeEach
  void setUp() throws IOException {
    TestNetns.assumeNamespace();
    echo = EchoServer.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    outage.endIfUnderWay();
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  void shouldBringTheSameSessionBackWithIceRestartsAndLoseNothing() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).build());
        ClientTunnel client = Tunnel.client(clientOptions(signaling, BridgeConfig.defaults()).build())) {
      client.awaitOpen(OPEN);
      Transfer transfer = Transfer.start(client.localAddress(), 1);
      await(() -> transfer.echoed() > 2 << 20, Duration.ofSeconds(60), "the echo under way");
      outageUntilReconnecting(client);
      transfer.result().get(120, TimeUnit.SECONDS);
      await(() -> client.state() == TunnelHandle.State.OPEN, Duration.ofSeconds(30), "OPEN again");
      assertEquals(2, sessions.size(), "one session each side: ICE restarted on it, nothing replaced");
      assertTrue(hostEvents.contains("reconnecting"), hostEvents.toString());
      assertTrue(hostEvents.contains("reconnected"), hostEvents.toString());
      assertEquals(1, host.clients().size());
      assertNull(client.reconnectingSince());
    }
  }

  @Test
  void shouldBringTheSameSessionBackWithIceRestartsThroughTheSignalingServer() throws Exception {
    try (dev.p2ptunnel.signaling.SignalingServer server = dev.p2ptunnel.signaling.SignalingServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            dev.p2ptunnel.signaling.SignalingConfig.defaults());
        dev.p2ptunnel.webrtc.signaling.HttpHostSignaling hostSignaling =
            dev.p2ptunnel.webrtc.signaling.HttpHostSignaling.create(server.uri());
        dev.p2ptunnel.webrtc.signaling.HttpSignaling clientSignaling =
            new dev.p2ptunnel.webrtc.signaling.HttpSignaling(server.uri(), hostSignaling.sessionId());
        HostTunnel host = Tunnel.host(hostOptions(hostSignaling).closeSignaling(false).build());
        ClientTunnel client = Tunnel.client(clientOptions(clientSignaling, BridgeConfig.defaults()).build())) {
      client.awaitOpen(OPEN);
      Transfer transfer = Transfer.start(client.localAddress(), 3);
      await(() -> transfer.echoed() > 2 << 20, Duration.ofSeconds(60), "the echo under way");
      outageUntilReconnecting(client); // the server is on loopback, which stays: only the peers' path is cut
      transfer.result().get(120, TimeUnit.SECONDS);
      await(() -> client.state() == TunnelHandle.State.OPEN, Duration.ofSeconds(30), "OPEN again");
      assertEquals(2, sessions.size(), "one session each side: ICE restarted through the server, no rejoin");
      assertTrue(hostEvents.contains("reconnected"), hostEvents.toString());
      assertEquals(1, host.clients().size());
    }
  }

  @Test
  void shouldRejoinWithANewSessionWhereTheSignalingCarriesNoRestartAndLoseNothing() throws Exception {
    InMemorySignaling memory = new InMemorySignaling();
    try (HostTunnel host = Tunnel.host(hostOptions(new NoRestartHost(memory)).build());
        ClientTunnel client = Tunnel.client(clientOptions(new NoRestartClient(memory), BridgeConfig.defaults())
            .build())) {
      client.awaitOpen(OPEN);
      Transfer transfer = Transfer.start(client.localAddress(), 2);
      await(() -> transfer.echoed() > 2 << 20, Duration.ofSeconds(60), "the echo under way");
      outageUntilReconnecting(client);
      transfer.result().get(150, TimeUnit.SECONDS);
      await(() -> client.state() == TunnelHandle.State.OPEN, Duration.ofSeconds(30), "OPEN again");
      assertTrue(sessions.size() >= 4, "a new session on each side: " + sessions.size());
      assertEquals(1, host.clients().size(), "the same client, its bridge kept");
      assertTrue(hostEvents.contains("reconnected"), hostEvents.toString());
    }
  }

  @Test
  void shouldCloseEveryConnectionSayingWhyWhenTheOutageOutlastsTheGracePeriod() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    BridgeConfig bridge = BridgeConfig.builder().keepalive(Duration.ofSeconds(1), Duration.ofSeconds(3))
        .resumeGrace(Duration.ofSeconds(6)).build();
    try (HostTunnel host = Tunnel.host(hostOptions(signaling).bridge(bridge).stayOpen(true).build());
        ClientTunnel client = Tunnel.client(clientOptions(signaling, bridge).build())) {
      client.awaitOpen(OPEN);
      try (Socket app = new Socket(client.localAddress().getAddress(), client.localAddress().getPort())) {
        app.getOutputStream().write(1);
        assertEquals(1, app.getInputStream().read());
        outage.begin();
        String reason = client.awaitClosed(Duration.ofSeconds(60));
        assertTrue(reason != null && reason.startsWith("the host did not come back within 6 s ("), reason);
        app.setSoTimeout(10_000);
        assertEquals(-1, readOrReset(app.getInputStream()), "the connection ends, it does not hang");
        await(() -> hostEvents.stream().anyMatch(e -> e.startsWith("left: the client did not come back within 6 s")),
            Duration.ofSeconds(30), "the host's one message");
        assertTrue(host.state() != TunnelHandle.State.CLOSED, "the host itself goes on taking clients");
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private HostOptions.Builder hostOptions(HostSignaling signaling) {
    return HostOptions.builder("127.0.0.1", echo.port()).signaling(signaling).webRtc(TestNetns.config())
        .plugin(session -> {
          sessions.add(session);
          return new SessionObserver() {};
        })
        .listener(new HostListener() {
          @Override
          public void onClientReconnecting(ClientConnection client, String reason) {
            hostEvents.add("reconnecting");
          }

          @Override
          public void onClientReconnected(ClientConnection client) {
            hostEvents.add("reconnected");
          }

          @Override
          public void onClientLeft(ClientConnection client, String reason) {
            hostEvents.add("left: " + reason);
          }
        });
  }

  private ClientOptions.Builder clientOptions(Signaling signaling, BridgeConfig bridge) {
    return ClientOptions.builder(0).signaling(signaling).webRtc(TestNetns.config()).bridge(bridge)
        .plugin(session -> {
          sessions.add(session);
          return new SessionObserver() {};
        });
  }

  /**
   * A total outage of the peers' path ({@link Outage}) of {@link #OUTAGE} from the cut: the client must have said
   * RECONNECTING within it (else, under load, the outage lasts until it does).
   */
  private void outageUntilReconnecting(ClientTunnel client) throws IOException, InterruptedException {
    long cut = System.nanoTime();
    outage.begin();
    await(() -> client.state() == TunnelHandle.State.RECONNECTING, Duration.ofSeconds(40), "RECONNECTING");
    long left = OUTAGE.toNanos() - (System.nanoTime() - cut);
    if (left > 0) {
      Thread.sleep(left / 1_000_000); // the rest of the outage itself: the scenario, not a wait for an event
    }
    outage.end();
  }

  private static int readOrReset(InputStream in) {
    try {
      return in.read();
    } catch (IOException reset) {
      return -1;
    }
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

  /** Seeded bytes into the tunnel on one thread, their echo checked byte for byte on another. */
  private static final class Transfer {
    private final AtomicLong echoed = new AtomicLong();
    private final CompletableFuture<Void> result = new CompletableFuture<>();

    static Transfer start(InetSocketAddress address, long seed) throws IOException {
      Transfer transfer = new Transfer();
      Socket socket = new Socket(address.getAddress(), address.getPort());
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = socket.getOutputStream();
          SplittableRandom random = new SplittableRandom(seed);
          byte[] chunk = new byte[16 * 1024];
          for (long sent = 0; sent < TOTAL; sent += chunk.length) {
            fill(random, chunk);
            out.write(chunk);
          }
        } catch (IOException e) {
          transfer.result.completeExceptionally(e);
        }
      }, "transfer-writer");
      Thread reader = new Thread(() -> {
        try (socket) {
          InputStream in = socket.getInputStream();
          SplittableRandom random = new SplittableRandom(seed);
          byte[] expected = new byte[16 * 1024];
          byte[] got = new byte[16 * 1024];
          for (long at = 0; at < TOTAL; at += expected.length) {
            fill(random, expected);
            int off = 0;
            while (off < got.length) {
              int n = in.read(got, off, got.length - off);
              if (n < 0) {
                throw new IOException("the echo ended after " + (at + off) + " of " + TOTAL + " bytes");
              }
              off += n;
              transfer.echoed.addAndGet(n);
            }
            for (int i = 0; i < got.length; i++) {
              if (got[i] != expected[i]) {
                throw new IOException("byte " + (at + i) + " differs: " + got[i] + " != " + expected[i]);
              }
            }
          }
          transfer.result.complete(null);
        } catch (IOException e) {
          transfer.result.completeExceptionally(e);
        }
      }, "transfer-reader");
      writer.setDaemon(true);
      reader.setDaemon(true);
      writer.start();
      reader.start();
      return transfer;
    }

    long echoed() {
      return echoed.get();
    }

    CompletableFuture<Void> result() {
      return result;
    }

    private static void fill(SplittableRandom random, byte[] chunk) {
      for (int i = 0; i < chunk.length; i += 8) {
        long value = random.nextLong();
        for (int b = 0; b < 8; b++) {
          chunk[i + b] = (byte) (value >>> (8 * b));
        }
      }
    }
  }

  /** The in-memory signaling with its ICE restarts hidden: what a transport that cannot carry them looks like. */
  record NoRestartClient(InMemorySignaling memory) implements Signaling {
    @Override
    public ClientJoin join(JoinOffer offer) {
      ClientJoin join = memory.join(offer);
      return new ClientJoin() {
        @Override
        public CompletableFuture<HostReply> firstReply() {
          return join.firstReply();
        }

        @Override
        public CompletableFuture<JoinAnswer> reveal(JoinReveal reveal) {
          return join.reveal(reveal);
        }

        @Override
        public void withdraw(String reason) {
          join.withdraw(reason);
        }
      };
    }
  }

  /** The host's side of {@link NoRestartClient}. */
  record NoRestartHost(InMemorySignaling memory) implements HostSignaling {
    @Override
    public CompletableFuture<JoinRequest> nextJoin() {
      Function<JoinRequest, JoinRequest> hide = request -> new JoinRequest() {
        @Override
        public JoinOffer offer() {
          return request.offer();
        }

        @Override
        public boolean twoStage() {
          return request.twoStage();
        }

        @Override
        public CompletableFuture<JoinReveal> challenge(JoinChallenge challenge) {
          return request.challenge(challenge);
        }

        @Override
        public CompletableFuture<Void> accept(JoinAnswer answer) {
          return request.accept(answer);
        }

        @Override
        public CompletableFuture<Void> reject(String reason) {
          return request.reject(reason);
        }

        @Override
        public CompletableFuture<String> withdrawn() {
          return request.withdrawn();
        }
      };
      return memory.nextJoin().thenApply(hide);
    }

    @Override
    public void close() {
      memory.close();
    }
  }
}

package dev.p2ptunnel.bridge.internal;

import static dev.p2ptunnel.bridge.internal.EmbeddedBridgeTest.ascii;
import static dev.p2ptunnel.bridge.internal.EmbeddedBridgeTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ErrorKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resumable streams on embedded engines (docs/PROTOCOL.md, "Resumable streams"): the channel breaks with messages in
 * flight (they are lost), a new pair is attached to both engines, and every byte arrives exactly once, in order.
 * Seeded data and seeded break points; no sleeping, time moved by the test.
 */
class EmbeddedResumeTest {
  private final World world = new World();
  private final Recorder hostEvents = new Recorder();
  private final Recorder clientEvents = new Recorder();

  @AfterEach
  void tearDown() throws IOException {
    world.close();
  }

  private World.Tunnel tunnel(InetSocketAddress service) throws IOException {
    return world.tunnel(service, BridgeConfig.builder().listener(hostEvents).build(),
        BridgeConfig.builder().listener(clientEvents).build(), ManualChannel.pair(), 0);
  }

  /** Breaks {@code pair} at once (what is in flight is lost) and attaches a new pair to both engines. */
  private ManualChannel.Pair replace(World.Tunnel tunnel, ManualChannel.Pair pair) {
    pair.first().sever("the network changed");
    world.step(); // both engines learn that the channel closed
    ManualChannel.Pair next = world.pair(ManualChannel.pair());
    tunnel.host().attach(next.first());
    tunnel.client().attach(next.second());
    return next;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void shouldCarryEveryByteExactlyOnceWhenTheChannelBreaksTwiceMidTransfer(long seed) throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = tunnel(echo.address());
    SplittableRandom random = new SplittableRandom(seed);
    List<Endpoint> apps = new ArrayList<>();
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] data = random(random.nextInt(1, 6 << 20), seed * 10 + i);
      sent.add(data);
      Endpoint app = world.connect(tunnel.address()).write(data);
      if (i % 2 == 0) {
        app.shutdownOutputWhenWritten(); // half-closes: FINs are in flight too
      }
      apps.add(app);
    }
    ManualChannel.Pair pair = tunnel.pair();
    for (int round = 0; round < 2; round++) {
      int steps = random.nextInt(1, 150);
      for (int i = 0; i < steps; i++) {
        world.step();
      }
      pair = replace(tunnel, pair);
    }
    world.until(() -> {
      if (clientEvents.starting("restored").size() < 2 || hostEvents.starting("restored").size() < 2) {
        return false;
      }
      for (int i = 0; i < apps.size(); i++) {
        if (apps.get(i).receivedCount() < sent.get(i).length || (i % 2 == 0 && !apps.get(i).eof())) {
          return false;
        }
      }
      return true;
    }, "every byte echoed through two breaks");
    for (int i = 0; i < apps.size(); i++) {
      assertArrayEquals(sent.get(i), apps.get(i).received(), "socket " + i + ", seed " + seed);
      assertFalse(apps.get(i).reset(), "socket " + i + " was never reset");
    }
    assertEquals(Map.of(), tunnel.client().stats().errors(), "seed " + seed);
    assertEquals(Map.of(), tunnel.host().stats().errors(), "seed " + seed);
    assertEquals(2, clientEvents.starting("restored").size(), clientEvents.events.toString());
    assertEquals(2, hostEvents.starting("restored").size(), hostEvents.events.toString());
  }

  @Test
  void shouldKeepEverySocketThroughTheGracePeriodThenCloseThemCleanlySayingWhy() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = tunnel(echo.address());
    Endpoint app = world.connect(tunnel.address()).write(ascii("before"));
    world.until(() -> app.receivedCount() == 6, "the echo");
    tunnel.pair().first().sever("the network is gone");
    world.step();
    app.write(ascii("during the outage")); // never read by the bridge: unread input must not turn the FIN into a reset
    assertEquals(List.of("lost: channel closed: the network is gone"), clientEvents.starting("lost"));
    assertEquals(List.of("lost: channel closed: the network is gone"), hostEvents.starting("lost"));
    world.advance(Duration.ofSeconds(119));
    assertTrue(tunnel.client().isOpen() && tunnel.host().isOpen(), "within the grace period");
    world.settle();
    assertFalse(app.ended(), "the application's connection is untouched");
    assertEquals(1, echo.connections.size());
    world.advance(Duration.ofSeconds(1));
    assertEquals("the host did not come back within 2 min (channel closed: the network is gone)",
        tunnel.client().closedFuture().getNow(null));
    assertEquals("the client did not come back within 2 min (channel closed: the network is gone)",
        tunnel.host().closedFuture().getNow(null));
    world.until(app::ended, "the application learns it");
    assertTrue(app.eof() && !app.reset(), "an orderly close (read() returns -1), not a reset");
    assertArrayEquals(ascii("before"), app.received(), "what arrived before the outage, nothing else");
    world.until(() -> echo.connections.get(0).ended(), "the service's connection ends too");
    assertTrue(echo.connections.get(0).eof() && !echo.connections.get(0).reset(), "the host side closes cleanly too");
    assertTrue(clientEvents.events.contains("closed 0: bridge closed: the host did not come back within 2 min "
        + "(channel closed: the network is gone)"), clientEvents.events.toString());
    assertEquals(1L, tunnel.client().stats().errors().get(ErrorKind.NOT_RESUMED));
  }

  @Test
  void shouldSendAgainTheLastBytesAndFinOfASocketThatEndedWhileTheyWereInFlight() throws Exception {
    LocalService upper = world.service(new LocalService(connection -> connection.onEof = c ->
        c.write(ascii(new String(c.received(), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT)))
            .shutdownOutputWhenWritten()));
    World.Tunnel tunnel = tunnel(upper.address());
    world.until(() -> tunnel.client().stats().features() != 0 && tunnel.host().stats().features() != 0,
        "negotiated");
    world.deliver = false;
    Endpoint app = world.connect(tunnel.address()).write(ascii("request")).shutdownOutputWhenWritten();
    // Only the host hears: the client's messages reach it, the host's answer (DATA and FIN) stays in flight.
    world.until(() -> tunnel.host().stats().openSockets() == 0 && hostTombstones(tunnel) == 1,
        () -> tunnel.pair().first().deliver(Integer.MAX_VALUE),
        "the host's socket ended (request in, answer and FIN out), kept as a tombstone");
    replace(tunnel, tunnel.pair()); // the answer and the FIN are lost with the channel
    world.deliver = true;
    world.until(app::eof, "the answer and its EOF");
    assertEquals("REQUEST", new String(app.received(), StandardCharsets.US_ASCII));
    assertFalse(app.reset());
    world.until(() -> tunnel.client().stats().openSockets() == 0 && hostTombstones(tunnel) == 0,
        "both sides done; the host's tombstone confirmed and gone");
    assertEquals(Map.of(), tunnel.client().stats().errors());
  }

  @Test
  void shouldOpenAgainASocketWhoseConnectWasLost() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = tunnel(echo.address());
    world.until(() -> tunnel.client().stats().features() != 0 && tunnel.host().stats().features() != 0,
        "negotiated");
    world.deliver = false;
    byte[] data = random(300_000, 9);
    Endpoint app = world.connect(tunnel.address()).write(data);
    for (int i = 0; i < 20; i++) {
      world.step(); // the client accepts, sends CONNECT and a window of data: none of it arrives
    }
    assertEquals(0, echo.connections.size());
    replace(tunnel, tunnel.pair());
    world.deliver = true;
    world.until(() -> app.receivedCount() == data.length, "the echo over the new channel");
    assertArrayEquals(data, app.received());
    assertEquals(1, echo.connections.size(), "dialed once");
  }

  @Test
  void shouldCloseTheOldSocketsWhenTheHostRestartedAndServeNewOnes() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = tunnel(echo.address());
    Endpoint old = world.connect(tunnel.address()).write(ascii("old"));
    world.until(() -> old.receivedCount() == 3, "the echo");
    tunnel.pair().first().sever("host process killed");
    world.step();
    ManualChannel.Pair next = world.pair(ManualChannel.pair());
    Recorder freshEvents = new Recorder();
    Engine freshHost = world.host(next.first(), DialPlan.fixed(echo.address()),
        BridgeConfig.builder().listener(freshEvents).build());
    tunnel.client().attach(next.second());
    world.until(old::ended, "the old connection ends");
    assertTrue(old.eof() && !old.reset(), "an orderly close: the host lost it, the application did nothing wrong");
    assertTrue(clientEvents.events.contains("closed 0: the host restarted and no longer has this connection"),
        clientEvents.events.toString());
    Endpoint fresh = world.connect(tunnel.address()).write(ascii("new"));
    world.until(() -> fresh.receivedCount() == 3, "a new connection through the restarted host");
    assertEquals(Map.of(ErrorKind.NOT_RESUMED, 1L), tunnel.client().stats().errors());
    assertEquals(Map.of(), freshHost.stats().errors(), "the restarted host ignores the old list");
    assertTrue(clientEvents.events.get(clientEvents.events.size() - 1).startsWith("opened"));
  }

  @Test
  void shouldCloseTheServicesConnectionsWhenTheClientRestarted() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = tunnel(echo.address());
    Endpoint old = world.connect(tunnel.address()).write(ascii("old"));
    world.until(() -> old.receivedCount() == 3, "the echo");
    tunnel.pair().first().sever("client process killed");
    world.step();
    ManualChannel.Pair next = world.pair(ManualChannel.pair());
    ServerSocketChannel server = World.listen();
    Engine freshClient = world.client(next.second(), server, BridgeConfig.defaults(), 0);
    tunnel.host().attach(next.first());
    world.until(() -> echo.connections.get(0).ended(), "the service's old connection ends");
    assertTrue(hostEvents.events.contains("closed 0: the client restarted and no longer has this connection"),
        hostEvents.events.toString());
    Endpoint fresh = world.connect((InetSocketAddress) server.getLocalAddress()).write(ascii("new"));
    world.until(() -> fresh.receivedCount() == 3, "the restarted client's first connection, id 0 again");
    assertEquals(Map.of(), freshClient.stats().errors());
  }

  @Test
  void shouldCarryOnOverTheSameChannelAfterASilenceLongerThanTheKeepaliveTimeout() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = tunnel(echo.address());
    byte[] data = random(2 << 20, 4);
    Endpoint app = world.connect(tunnel.address()).write(data);
    world.until(() -> app.receivedCount() > 0, "the echo started");
    world.deliver = false; // an outage: nothing moves, nothing is lost
    world.advance(Duration.ofMillis(1)); // the engines look at their queues once more: the last sign of life
    world.advance(Duration.ofSeconds(16));
    assertEquals(List.of("lost: peer did not answer keepalive within 15000 ms"), clientEvents.starting("lost"));
    assertTrue(tunnel.client().isOpen());
    world.advance(Duration.ofSeconds(44)); // 60 s in all
    world.deliver = true;
    world.until(() -> app.receivedCount() == data.length, "the rest of the echo");
    assertArrayEquals(data, app.received());
    assertEquals(List.of("restored"), clientEvents.starting("restored"));
    assertEquals(1L, tunnel.client().stats().errors().get(ErrorKind.KEEPALIVE_TIMEOUT));
  }

  @Test
  void shouldEndThePeerAtOnceWhenOneSideClosesOnPurpose() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = tunnel(echo.address());
    Endpoint app = world.connect(tunnel.address()).write(ascii("x"));
    world.until(() -> app.receivedCount() == 1, "the echo");
    tunnel.host().requestClose("the host is closing");
    world.until(() -> !tunnel.client().isOpen(), "the client closes too, without waiting for a grace period");
    assertEquals("closed by the host: the host is closing", tunnel.client().closedFuture().getNow(null));
    assertNull(clientEvents.starting("lost").stream().findFirst().orElse(null), "never taken for a lost connection");
  }

  @Test
  void shouldResumeWhenTheFirstNewChannelBreaksBeforeTheHostTookIt() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = tunnel(echo.address());
    byte[] data = random(3 << 20, 12);
    Endpoint app = world.connect(tunnel.address()).write(data).shutdownOutputWhenWritten();
    for (int i = 0; i < 40; i++) {
      world.step();
    }
    tunnel.pair().first().sever("gone");
    world.step();
    ManualChannel.Pair lost = world.pair(ManualChannel.pair());
    tunnel.client().attach(lost.second()); // the client's list goes out; the host never attaches this one
    for (int i = 0; i < 10; i++) {
      world.step();
    }
    lost.second().sever("gone again");
    world.step();
    ManualChannel.Pair next = world.pair(ManualChannel.pair());
    tunnel.host().attach(next.first());
    tunnel.client().attach(next.second());
    world.until(app::eof, "the whole echo and its EOF");
    assertArrayEquals(data, app.received());
    assertEquals(Map.of(), tunnel.client().stats().errors());
  }

  private static long hostTombstones(World.Tunnel tunnel) {
    return tunnel.host().tombstones();
  }
}

package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Extensions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both engines embedded, joined by a manual channel, real loopback TCP at both ends, all driven by the test's thread:
 * the bridge's behaviour end to end, deterministic (seeded data, no sleeping, no timing assertion).
 */
class EmbeddedBridgeTest {
  private final World world = new World();

  @AfterEach
  void tearDown() throws IOException {
    world.close();
  }

  @Test
  void shouldEchoClientFirstProtocol() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = world.tunnel(echo.address());
    Endpoint app = world.connect(tunnel.address()).write(ascii("hello tunnel"));
    world.until(() -> app.receivedCount() == 12, "the echo");
    assertEquals("hello tunnel", new String(app.received(), StandardCharsets.US_ASCII));
    assertEquals(Extensions.SUPPORTED_FEATURES, tunnel.client().stats().features());
  }

  @Test
  void shouldCarryServerFirstBanner() throws Exception {
    LocalService banner = world.service(new LocalService(connection -> connection.write(ascii("220 welcome\r\n"))));
    World.Tunnel tunnel = world.tunnel(banner.address());
    Endpoint app = world.connect(tunnel.address());
    world.until(() -> app.receivedCount() == 13, "the banner");
    assertEquals("220 welcome\r\n", new String(app.received(), StandardCharsets.US_ASCII));
  }

  @ParameterizedTest(name = "client extensions {0}, host extensions {1}")
  @CsvSource({"true,true", "false,false", "true,false", "false,true"})
  void shouldCarryRequestResponseOverHalfClosedSockets(boolean clientExtensions, boolean hostExtensions)
      throws Exception {
    // The service reads the whole request (until EOF), then answers: needs half-close end to end. Without it (an
    // original peer on either side) the request still arrives but EOF closes the whole logical socket.
    List<String> requests = new ArrayList<>();
    LocalService upper = world.service(new LocalService(connection -> connection.onEof = c -> {
      String request = new String(c.received(), StandardCharsets.US_ASCII);
      requests.add(request);
      c.write(ascii(request.toUpperCase(Locale.ROOT))).shutdownOutputWhenWritten();
    }));
    World.Tunnel tunnel = world.tunnel(upper.address(), BridgeConfig.builder().extensions(hostExtensions).build(),
        BridgeConfig.builder().extensions(clientExtensions).build(), ManualChannel.pair(), 0);
    Endpoint app = world.connect(tunnel.address()).write(ascii("request after which i half-close"))
        .shutdownOutputWhenWritten();
    world.until(() -> app.ended() && requests.size() == 1, "the request at the service, the end at the app");
    assertEquals(List.of("request after which i half-close"), requests);
    if (clientExtensions && hostExtensions) {
      assertTrue(app.eof());
      assertEquals("REQUEST AFTER WHICH I HALF-CLOSE", new String(app.received(), StandardCharsets.US_ASCII));
      assertEquals(Extensions.SUPPORTED_FEATURES, tunnel.client().stats().features());
    } else {
      assertEquals(0, app.receivedCount(), "EOF closed the logical socket");
      assertEquals(0, tunnel.client().stats().features());
      assertEquals(0, tunnel.host().stats().features());
    }
  }

  @ParameterizedTest(name = "client extensions {0}, host extensions {1}")
  @CsvSource({"false,false", "true,false", "false,true"})
  void shouldEchoWithAnOriginalProtocolPeer(boolean clientExtensions, boolean hostExtensions) throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = world.tunnel(echo.address(), BridgeConfig.builder().extensions(hostExtensions).build(),
        BridgeConfig.builder().extensions(clientExtensions).build(), ManualChannel.pair(), 0);
    byte[] data = random(3 << 20, 3);
    for (int i = 0; i < 3; i++) {
      Endpoint app = world.connect(tunnel.address()).write(data);
      world.until(() -> app.receivedCount() == data.length, "3 MiB echoed on socket " + i);
      assertArrayEquals(data, app.received());
      app.close();
    }
    assertEquals(0, tunnel.client().stats().features());
    assertEquals(0, tunnel.host().stats().features());
    assertEquals(Map.of(), tunnel.client().stats().errors());
  }

  @Test
  void shouldMoveRandomDataOverTwoHundredConcurrentSockets() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = world.tunnel(echo.address());
    List<Endpoint> apps = new ArrayList<>();
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] data = random(new Random(i).nextInt(200_000) + 1, i);
      sent.add(data);
      apps.add(world.connect(tunnel.address()).write(data).shutdownOutputWhenWritten());
    }
    world.until(() -> apps.stream().allMatch(Endpoint::eof), "every echo and its EOF");
    for (int i = 0; i < apps.size(); i++) {
      assertArrayEquals(sent.get(i), apps.get(i).received(), "socket " + i);
    }
    world.until(() -> tunnel.client().stats().openSockets() == 0 && tunnel.host().stats().openSockets() == 0,
        "every socket closed on both sides");
    BridgeStats client = tunnel.client().stats();
    assertEquals(200, client.totalSockets());
    assertEquals(sent.stream().mapToLong(d -> d.length).sum(), client.bytesToPeer());
    assertEquals(client.bytesToPeer(), tunnel.host().stats().bytesFromPeer());
    assertEquals(Map.of(), client.errors());
    assertEquals(Map.of(), tunnel.host().stats().errors());
  }

  @Test
  void shouldCloseClientSocketWhenServiceRefusesAndStayAlive() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    Recorder hostEvents = new Recorder();
    World.Tunnel tunnel = world.tunnel(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort),
        BridgeConfig.builder().listener(hostEvents).build(), BridgeConfig.defaults(), ManualChannel.pair(), 0);
    for (int i = 0; i < 3; i++) {
      Endpoint app = world.connect(tunnel.address());
      world.until(app::ended, "the refused socket closed");
      assertTrue(app.eof(), "closed cleanly, no data: " + app.failure());
      assertEquals(0, app.receivedCount());
    }
    assertTrue(tunnel.client().isOpen());
    assertTrue(tunnel.host().isOpen());
    assertEquals(3L, tunnel.host().stats().errors().get(ErrorKind.SERVICE_REFUSED));
    assertEquals(List.of("closed 0: service refused: Connection refused", "closed 1: service refused: Connection "
        + "refused", "closed 2: service refused: Connection refused"), hostEvents.starting("closed"));
  }

  @Test
  void shouldRefuseASocketTheDialPlanHasNoTargetFor() throws Exception {
    ManualChannel.Pair pair = world.pair();
    Recorder hostEvents = new Recorder();
    Engine host = world.host(pair.first(), (socketId, payload) -> {
      throw new IOException("no service for socket " + socketId);
    }, BridgeConfig.builder().listener(hostEvents).build());
    java.nio.channels.ServerSocketChannel server = World.listen();
    world.client(pair.second(), server, BridgeConfig.defaults(), 0);
    Endpoint app = world.connect((InetSocketAddress) server.getLocalAddress());
    world.until(app::ended, "the refused socket closed");
    assertTrue(app.eof());
    assertEquals(List.of("error SERVICE_REFUSED 0: service refused: no service for socket 0"),
        hostEvents.starting("error"));
    assertEquals(1L, host.stats().errors().get(ErrorKind.SERVICE_REFUSED));
  }

  @Test
  void shouldTimeOutADialTheServiceNeverAccepts() throws Exception {
    // A service whose accept queue is full: the kernel drops the host's SYNs, so the dial stays under way.
    try (java.nio.channels.ServerSocketChannel stuck = java.nio.channels.ServerSocketChannel.open();
        java.nio.channels.SocketChannel fill1 = java.nio.channels.SocketChannel.open();
        java.nio.channels.SocketChannel fill2 = java.nio.channels.SocketChannel.open()) {
      stuck.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      fill1.connect(stuck.getLocalAddress());
      fill2.connect(stuck.getLocalAddress());
      Recorder hostEvents = new Recorder();
      World.Tunnel tunnel = world.tunnel((InetSocketAddress) stuck.getLocalAddress(),
          BridgeConfig.builder().listener(hostEvents).build(), BridgeConfig.defaults(), ManualChannel.pair(), 0);
      Endpoint app = world.connect(tunnel.address());
      world.until(() -> tunnel.host().stats().totalSockets() == 1, "the dial started");
      world.advance(java.time.Duration.ofMillis(9_999));
      assertFalse(app.ended(), "still dialing before the connect timeout");
      assertEquals(0, tunnel.host().stats().openSockets());
      world.advance(java.time.Duration.ofMillis(1));
      world.until(app::ended, "the client socket closed");
      assertTrue(app.eof());
      assertEquals(List.of("closed 0: service did not accept within 10000 ms"), hostEvents.starting("closed"));
      assertEquals(1L, tunnel.host().stats().errors().get(ErrorKind.SERVICE_REFUSED));
    }
  }

  @Test
  void shouldResetEverySocketWhenTheChannelBreaks() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    Recorder clientEvents = new Recorder();
    World.Tunnel tunnel = world.tunnel(echo.address(), BridgeConfig.defaults(),
        BridgeConfig.builder().listener(clientEvents).build(), ManualChannel.pair(), 0);
    List<Endpoint> apps = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Endpoint app = world.connect(tunnel.address()).write(new byte[] {1});
      world.until(() -> app.receivedCount() == 1, "the first byte echoed");
      apps.add(app);
    }
    tunnel.pair().first().sever("peer process gone");
    world.until(() -> apps.stream().allMatch(Endpoint::ended), "every application sees the end");
    for (Endpoint app : apps) {
      assertTrue(app.reset(), "a reset, not a clean EOF an application could take for a complete response");
    }
    assertEquals("channel closed: peer process gone", tunnel.client().closedFuture().getNow(null));
    assertEquals(5, clientEvents.starting("closed").stream()
        .filter(e -> e.endsWith(": bridge closed: channel closed: peer process gone")).count());
    assertEquals("bridge closed: channel closed: peer process gone",
        clientEvents.events.get(clientEvents.events.size() - 1));
  }

  @Test
  void shouldKeepOtherSocketsFlowingWhileOneReaderStalls() throws Exception {
    // One local app never reads its echo: with flow control only its own socket stops.
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = world.tunnel(echo.address());
    Endpoint stalled = world.connect(tunnel.address()).write(random(16 << 20, 99));
    stalled.reading = false;
    world.until(() -> tunnel.host().socketStats().stream().anyMatch(s -> s.sendCredit() == 0),
        "the host has used up the stalled socket's window");
    for (int i = 0; i < 4; i++) {
      byte[] data = random(4 << 20, i);
      Endpoint app = world.connect(tunnel.address()).write(data);
      world.until(() -> app.receivedCount() == data.length, "flow " + i);
      assertArrayEquals(data, app.received(), "flow " + i);
      app.close();
    }
    int window = BridgeConfig.defaults().receiveWindowBytes();
    for (BridgeStats.SocketStats socket : tunnel.host().socketStats()) {
      assertTrue(socket.pendingBytes() <= window, socket.toString());
    }
    for (BridgeStats.SocketStats socket : tunnel.client().socketStats()) {
      assertTrue(socket.pendingBytes() <= window, socket.toString());
    }
    assertEquals(Map.of(), tunnel.client().stats().errors());
  }

  @Test
  void shouldCloseOnlyTheSocketThatOverflowsWithoutFlowControl() throws Exception {
    // An original peer has no flow control: a local app that never reads while the service floods gets a finite
    // buffer, then its socket closes with a clear error; other sockets are unaffected.
    BridgeConfig original = BridgeConfig.builder().extensions(false).maxPendingBytesPerSocket(2 << 20).build();
    Recorder clientEvents = new Recorder();
    LocalService flood = world.service(new LocalService(connection -> connection.onRead = c -> {
      byte first = c.received()[0];
      if (c.receivedCount() == 1 && first == 'F') {
        for (int i = 0; i < 64; i++) {
          c.write(new byte[1 << 20]);
        }
      } else if (c.receivedCount() == 1) {
        c.write(new byte[] {42});
      }
    }));
    World.Tunnel tunnel = world.tunnel(flood.address(), original,
        original.toBuilder().listener(clientEvents).build(), ManualChannel.pair(), 0);
    Endpoint stalled = world.connect(tunnel.address()).write(new byte[] {'F'});
    stalled.reading = false;
    world.until(() -> !clientEvents.starting("closed").isEmpty(), "the overflowing socket closed");
    String closed = clientEvents.starting("closed").get(0);
    assertTrue(closed.matches("closed 0: local application did not read: \\d+ bytes pending > max 2097152"
        + " \\(peer has no flow control\\)"), closed);
    assertEquals(1L, tunnel.client().stats().errors().get(ErrorKind.OVERFLOW));
    Endpoint other = world.connect(tunnel.address()).write(new byte[] {'x'});
    world.until(() -> other.receivedCount() == 1, "the other socket's answer");
    assertEquals(42, other.received()[0]);
  }

  @Test
  void shouldWrapSocketIdsPast65535WhileAnOlderSocketStaysOpen() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    Recorder clientEvents = new Recorder();
    Recorder hostEvents = new Recorder();
    World.Tunnel tunnel = world.tunnel(echo.address(), BridgeConfig.builder().listener(hostEvents).build(),
        BridgeConfig.builder().listener(clientEvents).build(), ManualChannel.pair(), 65_533);
    Endpoint longLived = world.connect(tunnel.address()).write(ascii("a"));
    world.until(() -> longLived.receivedCount() == 1, "the long-lived socket");
    for (int i = 0; i < 4; i++) {
      Endpoint app = world.connect(tunnel.address()).write(ascii("b" + i)).shutdownOutputWhenWritten();
      world.until(app::eof, "socket " + i + " echoed and closed");
      assertEquals("b" + i, new String(app.received(), StandardCharsets.US_ASCII));
    }
    longLived.write(ascii("z"));
    world.until(() -> longLived.receivedCount() == 2, "the long-lived socket after the wrap");
    List<String> opened = List.of("opened 65533", "opened 65534", "opened 65535", "opened 0", "opened 1");
    assertEquals(opened, clientEvents.starting("opened"));
    assertEquals(opened, hostEvents.starting("opened"));
    assertEquals(Map.of(), tunnel.host().stats().errors());
  }

  @Test
  void shouldStopReadingWhileTheChannelIsBlockedTouchingOnlyTheSocketThatReads() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = world.tunnel(echo.address(), BridgeConfig.defaults(), BridgeConfig.defaults(),
        ManualChannel.pair(128 << 10, 32 << 10), 0); // blocks before a socket's initial 256 KiB credit is spent
    List<Endpoint> idle = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      idle.add(world.connect(tunnel.address()));
    }
    world.until(() -> tunnel.host().stats().openSockets() == 100, "100 idle sockets open");
    world.deliver = false; // the channel stops moving: the client's sends pile up past the high watermark
    byte[] data = random(4 << 20, 7);
    Endpoint busy = world.connect(tunnel.address()).write(data);
    world.until(() -> tunnel.client().parkedSockets() == 1, "the reading socket parked");
    long sent = tunnel.pair().second().sentMessages;
    world.step();
    world.step();
    assertEquals(sent, tunnel.pair().second().sentMessages, "nothing more is sent into a blocked channel");
    assertEquals(1, tunnel.client().parkedSockets(), "the 100 idle sockets were not touched");
    world.deliver = true;
    world.until(() -> busy.receivedCount() == data.length, "the whole echo once the channel drains");
    assertArrayEquals(data, busy.received());
    assertEquals(0, tunnel.client().parkedSockets());
  }

  @Test
  void shouldReportStatisticsAndSocketsAndTheLastOnesAfterClosing() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = world.tunnel(echo.address());
    Endpoint app = world.connect(tunnel.address()).write(random(100_000, 5));
    world.until(() -> app.receivedCount() == 100_000, "the echo");
    BridgeStats client = tunnel.client().stats();
    BridgeStats host = tunnel.host().stats();
    assertEquals(world.ticker.nanoTime(), client.takenAtNanos(), "on the engine's clock");
    assertEquals(100_000, client.bytesToPeer());
    assertEquals(100_000, client.bytesFromPeer());
    assertEquals(client.bytesToPeer(), host.bytesFromPeer());
    assertEquals(client.messagesToPeer(), host.messagesFromPeer());
    assertEquals(1, client.openSockets());
    List<BridgeStats.SocketStats> sockets = tunnel.client().socketStats();
    assertEquals(1, sockets.size());
    assertEquals(new BridgeStats.SocketStats(0, 100_000, 100_000, 0, sockets.get(0).sendCredit(), 0), sockets.get(0));
    tunnel.client().requestClose("done");
    tunnel.client().runPending();
    assertEquals("done", tunnel.client().closedFuture().getNow(null));
    assertEquals(List.of(), tunnel.client().socketStats());
    assertEquals(0, tunnel.client().stats().openSockets());
    assertEquals(1, tunnel.client().stats().totalSockets());
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] random(int length, long seed) {
    byte[] data = new byte[length];
    new Random(seed).nextBytes(data);
    return data;
  }
}

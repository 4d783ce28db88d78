package dev.p2ptunnel.bridge.internal;

import static dev.p2ptunnel.bridge.internal.EmbeddedBridgeTest.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.bridge.PeerLimits;
import dev.p2ptunnel.bridge.RateLimit;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.protocol.DecodedFrame;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.ServiceMessages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An embedded host sharing two TCP services (each says its name) and a UDP one, driven frame by frame by a scripted
 * client: the list, CONNECTs that name services, the access rule, the per-client limits, changes at runtime.
 */
class HostServicesProtocolTest {
  private static final byte[] NONE = new byte[0];
  private static final int HELLO_SERVICES = Extensions.ALL_FEATURES | Extensions.FEATURE_SERVICES;

  private final World world = new World();
  private LocalService alpha;
  private LocalService beta;
  private HostServices services;
  private Recorder events;
  private Engine host;

  @BeforeEach
  void setUp() throws IOException {
    alpha = world.service(new LocalService(c -> c.write(ascii("alpha\n"))));
    beta = world.service(new LocalService(c -> c.write(ascii("beta\n"))));
    services = HostServices.of(Service.tcp("alpha", alpha.address().getPort()),
        Service.udp("dns", 5353), Service.tcp("beta", beta.address().getPort()));
  }

  @AfterEach
  void tearDown() throws IOException {
    world.close();
  }

  private PeerScript client(PeerLimits limits) throws IOException {
    ManualChannel.Pair pair = world.pair();
    events = new Recorder();
    host = world.host(pair.first(), new DialPlan(services),
        BridgeConfig.builder().listener(events).peerLimits(limits).build());
    return new PeerScript(pair.second());
  }

  private PeerScript client() throws IOException {
    return client(PeerLimits.defaults());
  }

  private static ByteBuffer connect(int socketId, int serviceId) {
    return Frame.encode(Frame.EVENT_CONNECT, socketId, 0, 0, 1, ServiceMessages.connectPayload(serviceId));
  }

  private static String text(DecodedFrame frame) {
    return StandardCharsets.UTF_8.decode(frame.payload()).toString();
  }

  private List<ServiceMessages.Entry> list(PeerScript client) throws Exception {
    DecodedFrame frame = client.take(f -> f.event() == Frame.EVENT_SERVICES, "SERVICES");
    return ServiceMessages.decodeServices(Frame.encode(Frame.EVENT_SERVICES, 0, 0, 0, 1, frame.payload()));
  }

  @Test
  void shouldSendItsListOfServicesRightAfterTheClientsHello() throws Exception {
    PeerScript client = client();
    client.send(Extensions.hello(HELLO_SERVICES));
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_SERVICES), "the list");
    // SESSION: the resume extension (on by default) follows every HELLO of ours.
    assertEquals(List.of("HELLO 0/0", "SESSION 0/0", "SERVICES 0/0"), client.describe());
    assertEquals(List.of(
        new ServiceMessages.Entry(0, ServiceMessages.PROTOCOL_TCP, true, alpha.address().getPort(), "alpha"),
        new ServiceMessages.Entry(1, ServiceMessages.PROTOCOL_UDP, false, 5353, "dns"),
        new ServiceMessages.Entry(2, ServiceMessages.PROTOCOL_TCP, false, beta.address().getPort(), "beta")),
        list(client));
  }

  @Test
  void shouldServeAnOriginalClientTheFirstServiceAsTodayAndNeverSendItTheList() throws Exception {
    PeerScript client = client();
    client.send(Frame.EVENT_CONNECT, 7, 0, NONE);
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_DATA), "the banner");
    assertEquals("alpha\n", text(client.take(f -> f.event() == Frame.EVENT_DATA, "the banner")));
    assertFalse(client.has(f -> f.event() == Frame.EVENT_SERVICES), "no list for an original client");
    assertEquals(0, beta.connections.size());
    assertEquals(0, host.stats().features());
  }

  @Test
  void shouldDialTheServiceTheConnectNames() throws Exception {
    PeerScript client = client();
    client.send(Extensions.hello(HELLO_SERVICES));
    client.send(connect(4, 2));
    client.send(Frame.EVENT_CONNECT, 5, 0, NONE); // no service id: the default one
    world.until(() -> client.received.stream().filter(f -> f.event() == Frame.EVENT_DATA).count() == 2,
        "both banners");
    assertEquals("beta\n", text(client.take(f -> f.event() == Frame.EVENT_DATA && f.socketId() == 4, "beta")));
    assertEquals("alpha\n", text(client.take(f -> f.event() == Frame.EVENT_DATA && f.socketId() == 5, "alpha")));
  }

  @Test
  void shouldRefuseAConnectForAServiceNotSharedWithAReasonAndNeverDial() throws Exception {
    PeerScript client = client();
    client.send(Extensions.hello(HELLO_SERVICES));
    client.send(connect(1, 9));
    client.send(connect(2, 1)); // dns is UDP: not for a CONNECT
    client.send(Frame.encode(Frame.EVENT_CONNECT, 3, 0, 0, 1, ByteBuffer.wrap(new byte[] {0, 0, 1})));
    world.until(() -> client.received.stream().filter(f -> f.event() == Frame.EVENT_CLOSE).count() == 3,
        "three refusals");
    String shares = "(it shares alpha (" + alpha.address().getPort() + "/tcp), dns (5353/udp), beta ("
        + beta.address().getPort() + "/tcp))";
    assertEquals("the host shares no tcp service with id 9 " + shares,
        text(client.take(f -> f.event() == Frame.EVENT_REASON && f.socketId() == 1, "REASON 1")));
    assertEquals("the host shares no tcp service with id 1 " + shares,
        text(client.take(f -> f.event() == Frame.EVENT_REASON && f.socketId() == 2, "REASON 2")));
    assertEquals("CONNECT payload_size 3 != 0 or 2 (socket 3)",
        text(client.take(f -> f.event() == Frame.EVENT_REASON && f.socketId() == 3, "REASON 3")));
    assertEquals(0, alpha.connections.size() + beta.connections.size(), "nothing was dialed");
    assertEquals(2L, host.stats().errors().get(ErrorKind.UNKNOWN_SERVICE));
    assertEquals(1L, host.stats().errors().get(ErrorKind.BAD_PAYLOAD));
    assertEquals(0, host.stats().openSockets());
  }

  @Test
  void shouldRefuseConnectsBeyondTheClientsSocketLimit() throws Exception {
    PeerScript client = client(PeerLimits.defaults().withMaxSockets(2));
    client.send(Extensions.hello(HELLO_SERVICES));
    for (int id = 1; id <= 3; id++) {
      client.send(connect(id, 0));
    }
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_CLOSE), "the refusal");
    assertEquals(3, client.take(f -> f.event() == Frame.EVENT_CLOSE, "CLOSE").socketId());
    assertEquals("the host allows at most 2 open connections per client",
        text(client.take(f -> f.event() == Frame.EVENT_REASON, "REASON")));
    assertEquals(2, host.stats().openSockets());
    assertEquals(1L, host.stats().errors().get(ErrorKind.SOCKET_LIMIT));
    // A socket that ends frees its place.
    client.send(Frame.EVENT_CLOSE, 1, 1, NONE);
    world.until(() -> host.stats().openSockets() == 1, "socket 1 ended");
    client.send(connect(3, 0));
    world.until(() -> host.stats().openSockets() == 2, "socket 3 open now");
  }

  @Test
  void shouldRefuseConnectsPastTheRateAndDisconnectAClientThatKeepsOn() throws Exception {
    PeerScript client = client(PeerLimits.defaults().withConnects(new RateLimit(5, 5)));
    client.send(Extensions.hello(HELLO_SERVICES));
    for (int id = 1; id <= 10; id++) {
      client.send(Frame.EVENT_CONNECT, id, 0, NONE);
    }
    world.until(() -> client.received.stream().filter(f -> f.event() == Frame.EVENT_CLOSE).count() == 5,
        "five refused");
    assertEquals("more than 5/s (burst 5) CONNECT and CLOSE messages from this peer",
        text(client.take(f -> f.event() == Frame.EVENT_REASON && f.socketId() == 6, "REASON 6")));
    assertTrue(host.isOpen(), "refused, not yet disconnected");
    client.send(Frame.EVENT_CONNECT, 11, 0, NONE);
    world.until(() -> !host.isOpen(), "the flooding client disconnected");
    String reason = "peer sent CONNECT and CLOSE messages faster than 5/s (burst 5) and kept on after being "
        + "refused: closed to protect the host";
    assertEquals(reason, host.closedFuture().getNow(null));
    assertEquals(List.of("error FLOOD -1: " + reason), events.starting("error FLOOD"));
    assertEquals(5L, host.stats().errors().get(ErrorKind.RATE_LIMITED));
  }

  @Test
  void shouldStopAnsweringPingsPastTheRateAndDisconnectAPingFlood() throws Exception {
    PeerScript client = client(PeerLimits.defaults().withPings(new RateLimit(2, 3)));
    client.send(Extensions.hello(HELLO_SERVICES));
    for (int i = 1; i <= 6; i++) {
      client.send(Extensions.ping(false, i));
    }
    world.settle();
    assertEquals(3, client.received.stream().filter(f -> f.event() == Frame.EVENT_PONG).count(), "the burst");
    assertTrue(host.isOpen());
    client.send(Extensions.ping(false, 7));
    world.until(() -> !host.isOpen(), "the PING flood disconnected");
    assertEquals(1L, host.stats().errors().get(ErrorKind.FLOOD));
  }

  @Test
  void shouldWithdrawAServiceAtRuntimeClosingItsConnectionsAndRefusingNewOnes() throws Exception {
    PeerScript client = client();
    client.send(Extensions.hello(HELLO_SERVICES));
    client.send(connect(1, 2));
    client.send(connect(2, 0));
    world.until(() -> host.stats().openSockets() == 2, "both open");
    list(client);
    services.unshare("beta");
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_CLOSE), "beta's socket closed");
    assertEquals(1, client.take(f -> f.event() == Frame.EVENT_CLOSE, "CLOSE").socketId());
    assertEquals("the host no longer shares this service",
        text(client.take(f -> f.event() == Frame.EVENT_REASON, "REASON")));
    assertEquals(List.of("alpha", "dns"), list(client).stream().map(ServiceMessages.Entry::name).toList());
    assertEquals(1, host.stats().openSockets(), "alpha's socket stays");
    client.send(connect(3, 2));
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_CLOSE), "the refusal");
    assertEquals(3, client.take(f -> f.event() == Frame.EVENT_CLOSE, "CLOSE").socketId());
  }

  @Test
  void shouldOfferAServiceSharedAtRuntime() throws Exception {
    PeerScript client = client();
    client.send(Extensions.hello(HELLO_SERVICES));
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_SERVICES), "the first list");
    list(client);
    services.unshare("beta");
    services.share(Service.tcp("beta2", beta.address().getPort()));
    world.until(() -> client.received.stream().filter(f -> f.event() == Frame.EVENT_SERVICES).count() == 2,
        "two more lists");
    list(client);
    List<ServiceMessages.Entry> now = list(client);
    assertEquals("beta2", now.get(2).name());
    assertEquals(3, now.get(2).id(), "a new id, never beta's");
    client.send(connect(1, 3));
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_DATA), "beta2's banner");
    assertEquals("beta\n", text(client.take(f -> f.event() == Frame.EVENT_DATA, "banner")));
  }
}

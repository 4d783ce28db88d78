package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.PeerLimits;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.protocol.Datagrams;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * UDP through two embedded engines over a manual channel pair with a manual datagram transport: a real loopback UDP
 * echo service behind the host, real UDP applications on the client's mapped port. Flows per source address, idle
 * expiry on the test's clock, the size limit, the flow limit, a peer without datagrams.
 */
class UdpFlowsTest {
  private final World world = new World();
  private LocalUdp echo;
  private HostServices services;
  private Engine host;
  private Engine client;
  private ManualChannel.Pair pair;

  @BeforeEach
  void setUp() throws IOException {
    echo = world.udp(LocalUdp.echo());
    services = HostServices.of(Service.tcp("web", 1), Service.udp("echo", echo.address().getPort()));
  }

  @AfterEach
  void tearDown() throws IOException {
    world.close();
  }

  private MappedPort start(BridgeConfig hostConfig, BridgeConfig clientConfig, boolean datagrams) throws IOException {
    pair = world.pair(datagrams ? ManualChannel.pair().withDatagrams() : ManualChannel.pair());
    host = world.host(pair.first(), new DialPlan(services), hostConfig);
    client = world.client(pair.second(), null, clientConfig, 0);
    CompletableFuture<MappedPort> mapped = client.map(Mapping.of("echo", loopback(0)));
    world.until(mapped::isDone, "the mapping");
    return mapped.join();
  }

  private MappedPort start() throws IOException {
    return start(BridgeConfig.defaults(), BridgeConfig.defaults(), true);
  }

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void shouldCarryDatagramsBothWaysAndAnswerEachSourceOnItsOwn() throws Exception {
    MappedPort port = start();
    assertEquals(Service.Protocol.UDP, port.protocol());
    LocalUdp a = world.udp(new LocalUdp());
    LocalUdp b = world.udp(new LocalUdp());
    a.send(ascii("from a"), port.local());
    b.send(ascii("from b"), port.local());
    a.send(ascii("again a"), port.local());
    world.until(() -> a.received.size() == 2 && b.received.size() == 1, "the echoes");
    assertEquals(List.of("from a", "again a"), a.received.stream().map(LocalUdp.Received::text).toList());
    assertEquals("from b", b.received.get(0).text());
    assertEquals(port.local(), a.received.get(0).from(), "replies come from the mapped port");
    // The service saw two sources: one host socket per flow.
    assertEquals(2, echo.received.stream().map(LocalUdp.Received::from).distinct().count());
    List<BridgeStats.FlowStats> clientFlows = client.flowStats();
    assertEquals(2, clientFlows.size());
    BridgeStats.FlowStats ofA = clientFlows.stream().filter(f -> f.address().equals(a.address())).findFirst()
        .orElseThrow();
    assertEquals("echo", ofA.service());
    assertEquals(2, ofA.datagramsToPeer());
    assertEquals(2, ofA.datagramsFromPeer());
    assertEquals(13, ofA.bytesToPeer());
    assertEquals(2, host.flowStats().size());
    assertEquals(19, client.stats().bytesToPeer(), "datagrams count in the bridge's bytes");
  }

  @Test
  void shouldCarryAnEmptyDatagram() throws Exception {
    MappedPort port = start();
    LocalUdp app = world.udp(new LocalUdp());
    app.send(new byte[0], port.local());
    world.until(() -> app.received.size() == 1, "the empty echo");
    assertEquals(0, app.received.get(0).data().length);
  }

  @Test
  void shouldExpireIdleFlowsOnBothSides() throws Exception {
    // Time jumps by minutes here: a keepalive that would declare the peer dead after 15 s of silence stays out of it.
    BridgeConfig patient = BridgeConfig.builder().keepalive(Duration.ofHours(1), Duration.ofHours(2)).build();
    MappedPort port = start(patient, patient.toBuilder().udpIdleTimeout(Duration.ofSeconds(90)).build(), true);
    LocalUdp app = world.udp(new LocalUdp());
    app.send(ascii("one"), port.local());
    world.until(() -> app.received.size() == 1, "the echo");
    int firstFlow = client.flowStats().get(0).flowId();
    world.advance(Duration.ofSeconds(59));
    assertEquals(1, host.flowStats().size(), "not idle long enough");
    world.advance(Duration.ofSeconds(2));
    assertEquals(0, host.flowStats().size(), "the host's default: 60 s");
    assertEquals(1, client.flowStats().size(), "the client's own timeout: 90 s");
    world.advance(Duration.ofSeconds(30));
    assertEquals(0, client.flowStats().size());
    app.send(ascii("two"), port.local());
    world.until(() -> app.received.size() == 2, "a new flow's echo");
    assertNotEquals(firstFlow, client.flowStats().get(0).flowId(), "ids are not reused at once");
  }

  @Test
  void shouldDropAndCountADatagramTooLargeForOnePacket() throws Exception {
    MappedPort port = start();
    int max = ManualChannel.ManualDatagrams.MAX_LENGTH - Datagrams.HEADER_LENGTH;
    LocalUdp app = world.udp(new LocalUdp());
    app.send(new byte[max + 1], port.local());
    app.send(new byte[max], port.local());
    world.until(() -> app.received.size() == 1, "the one that fits");
    assertEquals(max, app.received.get(0).data().length);
    world.settle();
    assertEquals(1L, client.stats().errors().get(ErrorKind.DATAGRAM_TOO_LARGE));
    assertEquals(1, client.flowStats().get(0).dropped());
  }

  @Test
  void shouldDropDatagramsFromNewSourcesBeyondTheFlowLimit() throws Exception {
    BridgeConfig oneFlow = BridgeConfig.builder().peerLimits(PeerLimits.defaults().withMaxFlows(1)).build();
    MappedPort port = start(oneFlow, BridgeConfig.defaults(), true);
    LocalUdp a = world.udp(new LocalUdp());
    LocalUdp b = world.udp(new LocalUdp());
    a.send(ascii("a"), port.local());
    world.until(() -> a.received.size() == 1, "a's echo");
    b.send(ascii("b"), port.local());
    world.until(() -> host.stats().errors().containsKey(ErrorKind.FLOW_LIMIT), "the host refused b's flow");
    a.send(ascii("a2"), port.local());
    world.until(() -> a.received.size() == 2, "a still works");
    assertEquals(0, b.received.size());
  }

  @Test
  void shouldPassLossThroughAsUdpDoes() throws Exception {
    MappedPort port = start();
    LocalUdp app = world.udp(new LocalUdp());
    pair.second().datagrams.lose = true;
    app.send(ascii("lost"), port.local());
    world.settle();
    pair.second().datagrams.lose = false;
    app.send(ascii("kept"), port.local());
    world.until(() -> app.received.size() == 1, "the second echo");
    assertEquals("kept", app.received.get(0).text());
    assertEquals(2, client.flowStats().get(0).datagramsToPeer(), "sent twice: the loss is the channel's");
  }

  @Test
  void shouldCloseFlowsOfAWithdrawnServiceAndDropDatagramsUntilItIsBack() throws Exception {
    MappedPort port = start();
    LocalUdp app = world.udp(new LocalUdp());
    app.send(ascii("one"), port.local());
    world.until(() -> app.received.size() == 1, "the echo");
    services.unshare("echo");
    world.until(() -> host.flowStats().isEmpty() && client.flowStats().isEmpty(), "flows closed on both sides");
    app.send(ascii("none"), port.local());
    world.until(() -> client.stats().errors().containsKey(ErrorKind.UNKNOWN_SERVICE), "dropped at the client");
    services.share(Service.udp("echo", echo.address().getPort()));
    world.until(() -> client.mappings().get(0).service() != null, "the mapping follows the name");
    app.send(ascii("back"), port.local());
    world.until(() -> app.received.size() == 2, "the echo again");
  }

  @Test
  void shouldRefuseAUdpMappingWhenTheTunnelHasNoDatagramChannel() throws Exception {
    pair = world.pair();
    host = world.host(pair.first(), new DialPlan(services), BridgeConfig.defaults());
    client = world.client(pair.second(), null, BridgeConfig.defaults(), 0);
    CompletableFuture<MappedPort> mapped = client.map(Mapping.of("echo", loopback(0)));
    world.until(mapped::isDone, "the answer");
    assertEquals("the host shares 'echo' over UDP, but this tunnel has no datagram channel (the host's or this "
        + "side's transport cannot open one)",
        Assertions.assertThrows(CompletionException.class, mapped::join).getCause().getMessage());
  }
}

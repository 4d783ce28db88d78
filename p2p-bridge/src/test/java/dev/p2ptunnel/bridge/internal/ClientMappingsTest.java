package dev.p2ptunnel.bridge.internal;

import static dev.p2ptunnel.bridge.internal.EmbeddedBridgeTest.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.Service;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's mappings against a real host engine sharing two TCP services (each says its name): ports mapped by
 * name once the host's list arrives, refused names, the next free port, an original host, changes at runtime.
 */
class ClientMappingsTest {
  private final World world = new World();
  private LocalService alpha;
  private LocalService beta;
  private HostServices services;
  private Recorder clientEvents;
  private Engine client;

  @BeforeEach
  void setUp() throws IOException {
    alpha = world.service(new LocalService(c -> c.write(ascii("alpha\n"))));
    beta = world.service(new LocalService(c -> c.write(ascii("beta\n"))));
    services = HostServices.of(Service.tcp("alpha", alpha.address().getPort()),
        Service.tcp("beta", beta.address().getPort()));
  }

  @AfterEach
  void tearDown() throws IOException {
    world.close();
  }

  /** A host on the registry and a client without a default port. */
  private void start(BridgeConfig hostConfig) throws IOException {
    ManualChannel.Pair pair = world.pair();
    world.host(pair.first(), new DialPlan(services), hostConfig);
    clientEvents = new Recorder();
    client = world.client(pair.second(), null, BridgeConfig.builder().listener(clientEvents).build(), 0);
  }

  private MappedPort await(CompletableFuture<MappedPort> mapped) {
    world.until(mapped::isDone, "the mapping");
    return mapped.join();
  }

  private String failure(CompletableFuture<?> future) {
    world.until(future::isDone, "the answer");
    return Assertions.assertThrows(java.util.concurrent.CompletionException.class, future::join).getCause()
        .getMessage();
  }

  private String banner(InetSocketAddress address) throws IOException {
    Endpoint app = world.connect(address);
    world.until(() -> app.receivedCount() > 0 && new String(app.received(), StandardCharsets.US_ASCII)
        .endsWith("\n"), "a banner from " + address);
    return new String(app.received(), StandardCharsets.US_ASCII);
  }

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  @Test
  void shouldMapPortsByNameOnceTheHostsListArrives() throws Exception {
    world.deliver = false;
    start(BridgeConfig.defaults());
    CompletableFuture<MappedPort> toBeta = client.map(Mapping.of("beta", loopback(0)));
    world.step();
    assertFalse(toBeta.isDone(), "waits for the host's list");
    world.deliver = true;
    MappedPort beta = await(toBeta);
    MappedPort alphaPort = await(client.map(Mapping.of("alpha", loopback(0))));
    assertEquals("beta\n", banner(beta.local()));
    assertEquals("alpha\n", banner(alphaPort.local()));
    assertEquals(Service.Protocol.TCP, beta.protocol());
    assertEquals("beta", beta.service().name());
    assertEquals(List.of(beta, alphaPort), client.mappings());
    assertEquals(1, clientEvents.starting("services").size());
  }

  @Test
  void shouldRefuseToMapAServiceTheHostDoesNotShare() throws Exception {
    start(BridgeConfig.defaults());
    assertEquals("the host does not share 'gamma' (it shares alpha (" + alpha.address().getPort() + "/tcp), beta ("
        + beta.address().getPort() + "/tcp))", failure(client.map(Mapping.of("gamma", loopback(0)))));
    assertEquals(List.of(), client.mappings());
  }

  @Test
  void shouldTakeTheNextFreePortOrFailNamingTheAddress() throws Exception {
    start(BridgeConfig.defaults());
    try (ServerSocketChannel taken = ServerSocketChannel.open()) {
      taken.bind(loopback(0));
      int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
      assertTrue(failure(client.map(Mapping.of("alpha", loopback(port)))).startsWith(
          "cannot listen on " + loopback(port) + " for 'alpha': "));
      MappedPort next = await(client.map(Mapping.of("alpha", loopback(port)).orNextFreePort()));
      assertTrue(next.local().getPort() > port && next.local().getPort() < port + Mapping.NEXT_FREE_TRIES,
          "port " + next.local().getPort() + " after " + port);
      assertEquals("alpha\n", banner(next.local()));
    }
  }

  @Test
  void shouldKeepOnlyTheDefaultMappingWithAnOriginalHost() throws Exception {
    start(BridgeConfig.builder().extensions(false).build());
    CompletableFuture<MappedPort> named = client.map(Mapping.of("beta", loopback(0)));
    world.settle();
    assertFalse(named.isDone(), "an original host says nothing before a connection: the client waits a while");
    world.advance(java.time.Duration.ofNanos(ClientMappings.LIST_WAIT_NANOS));
    assertEquals("the host sent nothing within 10 s of the channel opening: an original host (or one without our "
        + "extensions), which names no services; only the default mapping works", failure(named));
    assertTrue(client.services().isCompletedExceptionally());
    MappedPort standard = await(client.map(Mapping.toDefault(loopback(0))));
    assertEquals("alpha\n", banner(standard.local()), "the first service, as the original host serves it");
    assertTrue(failure(client.map(Mapping.of("beta", loopback(0)))).startsWith("the host does not name its "
        + "services (an original host, or one without our extensions)"), "decided by the first message now");
  }

  @Test
  void shouldRefuseConnectionsWhileTheHostDoesNotShareTheServiceAndAcceptOnceItIsBack() throws Exception {
    start(BridgeConfig.defaults());
    MappedPort mapped = await(client.map(Mapping.of("beta", loopback(0))));
    services.unshare("beta");
    world.until(() -> clientEvents.starting("services").size() == 2, "the new list");
    Endpoint refused = world.connect(mapped.local());
    world.until(refused::ended, "refused at once");
    assertEquals(0, refused.receivedCount());
    assertEquals(1L, client.stats().errors().get(ErrorKind.UNKNOWN_SERVICE));
    services.share(Service.tcp("beta", beta.address().getPort()));
    world.until(() -> clientEvents.starting("services").size() == 3, "beta is back");
    assertEquals("beta\n", banner(mapped.local()), "the mapping follows the name to its new id");
  }

  @Test
  void shouldStopListeningOnUnmapAndLeaveOpenConnectionsAlone() throws Exception {
    start(BridgeConfig.defaults());
    MappedPort mapped = await(client.map(Mapping.of("alpha", loopback(0))));
    Endpoint open = world.connect(mapped.local());
    world.until(() -> open.receivedCount() == 6, "the banner");
    CompletableFuture<Boolean> unmapped = client.unmap(mapped.local(), Service.Protocol.TCP);
    world.until(unmapped::isDone, "unmapped");
    assertTrue(unmapped.join());
    Assertions.assertThrows(ConnectException.class, () -> SocketChannel.open(mapped.local()).close());
    open.write(ascii("still here"));
    world.until(() -> alpha.connections.get(0).receivedCount() == 10, "the open connection still carries bytes");
    CompletableFuture<Boolean> again = client.unmap(mapped.local(), Service.Protocol.TCP);
    world.until(again::isDone, "answered");
    assertFalse(again.join());
    assertEquals(List.of(), client.mappings());
  }
}

package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.Service;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resumable streams together with named services and UDP: a replaced channel carries the services state on. A CONNECT
 * the host never had is sent again naming the same service, and the new channel gets a datagram transport of its own
 * for the UDP flows; sockets whose frames shared coalesced messages resume with nothing sent twice. Embedded engines, no
 * sleeping.
 */
class ResumeServicesTest {
  private final World world = new World();
  private final Recorder hostEvents = new Recorder();
  private final Recorder clientEvents = new Recorder();
  private Engine host;
  private Engine client;
  private ManualChannel.Pair pair;

  @AfterEach
  void tearDown() throws IOException {
    world.close();
  }

  private void start(HostServices services, boolean datagrams) throws IOException {
    pair = world.pair(datagrams ? ManualChannel.pair().withDatagrams() : ManualChannel.pair());
    host = world.host(pair.first(), new DialPlan(services), BridgeConfig.builder().listener(hostEvents).build());
    client = world.client(pair.second(), null, BridgeConfig.builder().listener(clientEvents).build(), 0);
  }

  private MappedPort map(String service) {
    CompletableFuture<MappedPort> mapped = client.map(Mapping.of(service, loopback(0)));
    world.until(mapped::isDone, "the mapping");
    return mapped.join();
  }

  /** Breaks the current pair at once (what is in flight is lost) and attaches a new one to both engines. */
  private void replace(boolean datagrams) {
    pair.first().sever("the network changed");
    world.step();
    pair = world.pair(datagrams ? ManualChannel.pair().withDatagrams() : ManualChannel.pair());
    host.attach(pair.first());
    client.attach(pair.second());
  }

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void shouldSendAgainACONNECTTheHostNeverHadNamingTheSameService() throws Exception {
    LocalService alpha = world.service(new LocalService(c -> c.write(ascii("alpha\n"))));
    LocalService beta = world.service(new LocalService(c -> c.write(ascii("beta\n"))));
    start(HostServices.of(Service.tcp("alpha", alpha.address().getPort()),
        Service.tcp("beta", beta.address().getPort())), false);
    MappedPort toBeta = map("beta");
    world.deliver = false; // the CONNECT stays in the channel, which then breaks: it is lost
    Endpoint app = world.connect(toBeta.local());
    world.until(() -> client.stats().totalSockets() == 1, "the client's socket");
    world.deliver = true;
    replace(false);
    world.until(() -> new String(app.received(), StandardCharsets.US_ASCII).endsWith("\n"), "the banner");
    assertEquals("beta\n", new String(app.received(), StandardCharsets.US_ASCII), "the service the mapping names");
    assertEquals(1, beta.connections.size());
    assertEquals(0, alpha.connections.size(), "never the default service");
    assertEquals(List.of("restored"), clientEvents.starting("restored"));
    assertEquals(Map.of(), client.stats().errors());
    assertEquals(Map.of(), host.stats().errors());
  }

  @Test
  void shouldCarryDatagramsOverTheNewChannelsOwnTransport() throws Exception {
    LocalUdp echo = world.udp(LocalUdp.echo());
    start(HostServices.of(Service.udp("echo", echo.address().getPort())), true);
    MappedPort port = map("echo");
    LocalUdp app = world.udp(new LocalUdp());
    app.send(ascii("before"), port.local());
    world.until(() -> app.received.size() == 1, "the first echo");
    replace(true);
    world.until(() -> clientEvents.starting("restored").size() == 1 && hostEvents.starting("restored").size() == 1,
        "both sides restored");
    app.send(ascii("after"), port.local());
    world.until(() -> app.received.size() == 2, "the echo over the new channel");
    assertEquals(List.of("before", "after"), app.received.stream().map(LocalUdp.Received::text).toList());
    assertEquals(1, client.flowStats().size(), "the same flow, kept across the channels");
  }

  @Test
  void shouldResumeSocketsWhoseFramesSharedCoalescedMessagesSendingNothingTwice() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = world.tunnel(echo.address(), BridgeConfig.builder().listener(hostEvents).build(),
        BridgeConfig.builder().listener(clientEvents).build(), ManualChannel.pair(), 0);
    host = tunnel.host();
    client = tunnel.client();
    pair = tunnel.pair();
    List<Endpoint> apps = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      apps.add(world.connect(tunnel.address()).write(ascii("socket " + i)).shutdownOutputWhenWritten());
    }
    // CONNECT, WINDOW, DATA and FIN of every socket, many frames to a channel message, all handled by the host.
    world.until(() -> apps.stream().allMatch(a -> a.eof() && a.receivedCount() == 8), "every echo and its FIN");
    assertEquals(0, client.stats().errors().size());
    replace(false);
    world.until(() -> clientEvents.starting("restored").size() == 1 && hostEvents.starting("restored").size() == 1,
        "both sides restored");
    world.settle();
    // Resume numbers frames, also those of coalesced messages: what the host handled is not sent or dialed again.
    assertEquals(Map.of(), client.stats().errors(), clientEvents.events.toString());
    assertEquals(Map.of(), host.stats().errors(), hostEvents.events.toString());
    assertEquals(4, echo.connections.size());
    for (Endpoint app : apps) {
      assertEquals(8, app.receivedCount(), "nothing repeated");
    }
  }
}

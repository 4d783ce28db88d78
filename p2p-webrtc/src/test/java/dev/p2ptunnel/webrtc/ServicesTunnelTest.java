package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.protocol.Extensions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several services, TCP and UDP, through one host tunnel and one client tunnel over a real DataChannel (and its
 * datagram channel), in the test network namespace: every service mapped by default, mappings and services changed
 * while the tunnel runs, and an original client that still reaches the first service exactly as before.
 */
@Timeout(120)
class ServicesTunnelTest {
  private static final Duration OPEN = Duration.ofSeconds(20);
  private static final long WAIT_S = 20;

  private ServerSocket alpha;
  private ServerSocket beta;
  private DatagramSocket udpEcho;

  /** Line services that say their name, then echo each line. */
  private static ServerSocket lineService(String name) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          Thread handler = new Thread(() -> {
            try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(socket.getOutputStream(), true,
                StandardCharsets.UTF_8)) {
              out.println(name);
              for (String line; (line = in.readLine()) != null; ) {
                out.println(name + ": " + line);
              }
            } catch (IOException e) {
              // the test sees it on its side
            }
          }, "service-" + name);
          handler.setDaemon(true);
          handler.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "service-" + name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return server;
  }

  @BeforeEach
  void setUp() throws IOException {
    TestNetns.assumeNamespace();
    alpha = lineService("alpha");
    beta = lineService("beta");
    udpEcho = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    Thread echo = new Thread(() -> {
      byte[] buffer = new byte[2048];
      while (!udpEcho.isClosed()) {
        try {
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          udpEcho.receive(packet);
          udpEcho.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
        } catch (IOException e) {
          return;
        }
      }
    }, "service-udp-echo");
    echo.setDaemon(true);
    echo.start();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (alpha != null) {
      alpha.close();
      beta.close();
      udpEcho.close();
    }
  }

  private HostOptions.Builder host(InMemorySignaling signaling) {
    return HostOptions.builder().share(Service.tcp("alpha", alpha.getLocalPort()))
        .share(Service.udp("echo", udpEcho.getLocalPort())).share(Service.tcp("beta", beta.getLocalPort()))
        .signaling(signaling).webRtc(TestNetns.config()).stayOpen(true);
  }

  private static String talk(InetSocketAddress address, String line) throws IOException {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_S));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
      String banner = in.readLine();
      out.println(line);
      return banner + " | " + in.readLine();
    }
  }

  /** A UDP round trip through {@code port}, sent again until answered (UDP may lose a datagram). */
  private static String udp(DatagramSocket app, InetSocketAddress port, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    app.setSoTimeout(500);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (System.nanoTime() < deadline) {
      app.send(new DatagramPacket(bytes, bytes.length, port));
      DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
      try {
        app.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
      } catch (SocketTimeoutException e) {
        // lost or not yet: again
      }
    }
    throw new AssertionError("no UDP answer from " + port + " within " + WAIT_S + " s");
  }

  /** Polls {@code condition} every 10 ms until it holds, failing after {@link #WAIT_S}. */
  private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT_S + " s: " + what);
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  @Test
  void shouldReachEverySharedServiceOnItsOwnMappedPort() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    Map<String, MappedPort> mapped = new ConcurrentHashMap<>();
    try (HostTunnel host = Tunnel.host(host(signaling).build());
        ClientTunnel client = Tunnel.client(ClientOptions.builder().mapAll(true).signaling(signaling)
            .webRtc(TestNetns.config()).listener(new ClientListener() {
              @Override
              public void onMapped(MappedPort port) {
                mapped.put(port.mapping().service(), port);
              }
            }).build())) {
      client.awaitOpen(OPEN);
      List<SharedService> services = client.services().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
      assertEquals(List.of("alpha", "echo", "beta"), services.stream().map(SharedService::name).toList());
      await(() -> mapped.size() == 3, "every service mapped: " + mapped);
      assertEquals(Service.Protocol.UDP, mapped.get("echo").protocol());
      assertEquals("alpha | alpha: one", talk(mapped.get("alpha").local(), "one"));
      assertEquals("beta | beta: two", talk(mapped.get("beta").local(), "two"));
      try (DatagramSocket app = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        assertEquals("three", udp(app, mapped.get("echo").local(), "three"));
        List<BridgeStats.FlowStats> flows = client.flowStats();
        assertEquals(1, flows.size());
        assertEquals(app.getLocalSocketAddress(), flows.get(0).address());
      }
      BridgeStats stats = client.stats();
      assertNotNull(stats);
      assertEquals(Extensions.SUPPORTED_FEATURES | Extensions.FEATURE_RESUME | Extensions.FEATURE_SERVICES
          | Extensions.FEATURE_DATAGRAMS, stats.features());
      assertEquals(1, host.clients().get(0).flowStats().size());
    }
  }

  @Test
  void shouldChangeServicesAndMappingsWhileTheTunnelRuns() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    java.util.concurrent.atomic.AtomicReference<List<SharedService>> known = new java.util.concurrent.atomic
        .AtomicReference<>(List.of());
    try (HostTunnel host = Tunnel.host(host(signaling).build());
        ClientTunnel client = Tunnel.client(ClientOptions.builder().map(Mapping.of("alpha", 0))
            .signaling(signaling).webRtc(TestNetns.config()).listener(new ClientListener() {
              @Override
              public void onServices(List<SharedService> services) {
                known.set(services);
              }
            }).build())) {
      client.awaitOpen(OPEN);
      MappedPort toBeta = client.map(Mapping.of("beta", 0)).toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
      assertEquals("beta | beta: x", talk(toBeta.local(), "x"));
      assertTrue(host.unshare("beta"));
      await(() -> client.mappings().stream().noneMatch(m -> "beta".equals(m.mapping().service())
          && m.service() != null), "the client learnt that beta is gone");
      assertThrows(IOException.class, () -> talk(toBeta.local(), "y"), "refused while beta is not shared");
      ExecutionException unknown = assertThrows(ExecutionException.class, () -> client.map(Mapping.of("gamma", 0))
          .toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS));
      assertTrue(unknown.getCause().getMessage().startsWith("the host does not share 'gamma'"),
          unknown.getCause().getMessage());
      host.share(Service.tcp("gamma", beta.getLocalPort()));
      await(() -> known.get().stream().anyMatch(one -> one.name().equals("gamma")), "the client learnt of gamma");
      MappedPort toGamma = client.map(Mapping.of("gamma", 0)).toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
      assertEquals("beta | beta: z", talk(toGamma.local(), "z"));
      assertTrue(client.unmap(toGamma).toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS));
      assertFalse(client.mappings().stream().anyMatch(m -> m.local().equals(toGamma.local())));
      assertEquals(List.of("alpha", "echo", "gamma"), host.services().stream().map(Service::name).toList());
    }
  }

  @Test
  void shouldServeAnOriginalClientTheFirstServiceWithoutDatagramsOrLists() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    try (HostTunnel host = Tunnel.host(host(signaling).build());
        ClientTunnel client = Tunnel.client(ClientOptions.builder(0).signaling(signaling).pairing(false)
            .bridge(BridgeConfig.builder().extensions(false).build()).webRtc(TestNetns.config()).build())) {
      client.awaitOpen(OPEN);
      host.awaitOpen(OPEN);
      assertEquals("alpha | alpha: plain", talk(client.localAddress(), "plain"));
      BridgeStats stats = host.stats();
      assertNotNull(stats);
      assertEquals(0, stats.features(), "an original client: no extension in use");
      assertEquals(List.of(), host.clients().get(0).flowStats());
    }
  }
}

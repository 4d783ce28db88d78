package dev.p2ptunnel.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.p2ptunnel.protocol.Extensions;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * End to end in threaded mode, as applications use the bridge: both bridges on their own threads over an in-memory
 * channel, real TCP at both ends, real clients (the JDK's HTTP client). The behaviour in detail is tested
 * deterministically in embedded mode ({@code dev.p2ptunnel.bridge.internal}); sizes that stress go to
 * {@link BridgeStressTest}.
 */
@Timeout(300)
class BridgeTest {

  @Test
  void shouldEchoClientFirstProtocol() throws Exception {
    try (Services.Service echo = Services.echo(); Tunnel tunnel = new Tunnel(echo.address());
        Socket app = Services.connect(tunnel.address())) {
      app.getOutputStream().write("hello tunnel".getBytes(StandardCharsets.US_ASCII));
      byte[] back = new DataInputStream(app.getInputStream()).readNBytes(12);
      assertEquals("hello tunnel", new String(back, StandardCharsets.US_ASCII));
    }
  }

  @Test
  void shouldBridgeIpv6LoopbackOnBothSides() throws Exception {
    // Client listening on [::1]; host given an unresolved [::1] target, resolved when the bridge starts.
    java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
    try (ServerSocket service = new ServerSocket(0, 1, v6)) {
      Thread echo = new Thread(() -> {
        try (Socket s = service.accept()) {
          s.getInputStream().transferTo(s.getOutputStream());
        } catch (IOException e) {
          // test over
        }
      });
      echo.setDaemon(true);
      echo.start();
      InMemoryChannel.Pair pair = InMemoryChannel.pair();
      try (HostBridge host = HostBridge.start(pair.first(),
              InetSocketAddress.createUnresolved("::1",
                  service.getLocalPort()), BridgeConfig.defaults());
          ClientBridge client = ClientBridge.start(pair.second(), new InetSocketAddress(v6, 0),
              BridgeConfig.defaults());
          Socket app = Services.connect(client.localAddress())) {
        assertEquals(v6, client.localAddress().getAddress());
        assertEquals(v6, host.target().getAddress());
        app.getOutputStream().write("six".getBytes(StandardCharsets.US_ASCII));
        assertEquals("six", new String(app.getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
      }
    }
  }

  @Test
  void shouldServeHttpWithKeepAlive() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    List<String> connections = new CopyOnWriteArrayList<>();
    server.createContext("/", exchange -> {
      connections.add(exchange.getRemoteAddress().toString());
      byte[] body = ("path " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try (Tunnel tunnel = new Tunnel(server.getAddress())) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tunnel.address().getPort() + "/p" + i)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("path /p" + i, response.body());
      }
      assertEquals(1, connections.stream().distinct().count(), "keep-alive reused one connection");
      BridgeStats stats = tunnel.client.stats();
      assertEquals(1, stats.totalSockets());
      assertEquals(1, stats.openSockets());
      List<BridgeStats.SocketStats> sockets = tunnel.client.socketStats();
      assertEquals(1, sockets.size());
      assertEquals(stats.bytesToPeer(), sockets.get(0).bytesToPeer());
      assertEquals(stats.bytesFromPeer(), tunnel.host.stats().bytesToPeer(), "what the host sent arrived");
      assertTrue(stats.messagesFromPeer() >= 20);
      assertTrue(stats.bytesFromPeerPerSecond(new BridgeStats(stats.takenAtNanos() - 1_000_000_000L, 0, 0, 0, 0, 0, 0,
          0, java.util.Map.of())) > 0);
      tunnel.client.close();
      assertEquals(List.of(), tunnel.client.socketStats(), "closed: no sockets");
      assertEquals(1, tunnel.client.stats().totalSockets(), "closed: the last counters");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void shouldMoveRandomDataOverTwoHundredConcurrentConnections() throws Exception {
    try (Services.Service echo = Services.echo(); Tunnel tunnel = new Tunnel(echo.address())) {
      assertEquals(200, Services.concurrentEchoes(tunnel.address(), 200, 200_000));
      BridgeStats stats = tunnel.client.stats();
      assertEquals(200, stats.totalSockets());
      assertEquals(Extensions.SUPPORTED_FEATURES, stats.features());
      assertEquals(java.util.Map.of(), stats.errors());
    }
  }

  @Test
  void shouldCarryBulkBothWaysThroughTheSmallestInboundQueueThatBlocks() throws Exception {
    // Each bridge holds at most one received message: the channel's delivery thread waits for the loop instead.
    BridgeConfig blocking = BridgeConfig.builder()
        .inboundQueue(BridgeConfig.MIN_INBOUND_QUEUE_BYTES, BridgeConfig.InboundOverflow.BLOCK).build();
    try (Services.Service echo = Services.echo();
        Tunnel tunnel = new Tunnel(echo.address(), blocking, blocking, InMemoryChannel.Config.defaults());
        Socket app = Services.connect(tunnel.address())) {
      byte[] data = new byte[16 << 20];
      new Random(16).nextBytes(data);
      assertEquals(Services.sha256(data), Services.sha256(Services.echoThrough(app, data)));
      assertEquals(java.util.Map.of(), tunnel.client.stats().errors());
      assertEquals(java.util.Map.of(), tunnel.host.stats().errors());
    }
  }

  @ParameterizedTest(name = "client extensions {0}, host extensions {1}")
  @CsvSource({"true,true", "false,false", "true,false", "false,true"})
  void shouldCarryRequestResponseOverHalfClosedSockets(boolean clientExtensions, boolean hostExtensions)
      throws Exception {
    // The service reads the whole request (until EOF), then answers: needs half-close end to end. Without it
    // (an original peer on either side) the request still arrives but EOF closes the whole logical socket.
    try (Services.Service upper = new Services.Service(socket -> {
          try {
            byte[] request = socket.getInputStream().readAllBytes();
            socket.getOutputStream().write(new String(request, StandardCharsets.US_ASCII)
                .toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        Tunnel tunnel = new Tunnel(upper.address(),
            BridgeConfig.builder().extensions(hostExtensions).build(),
            BridgeConfig.builder().extensions(clientExtensions).build(), InMemoryChannel.Config.defaults());
        Socket app = Services.connect(tunnel.address())) {
      app.getOutputStream().write("request after which i half-close".getBytes(StandardCharsets.US_ASCII));
      app.shutdownOutput();
      byte[] response = app.getInputStream().readAllBytes();
      if (clientExtensions && hostExtensions) {
        assertEquals("REQUEST AFTER WHICH I HALF-CLOSE", new String(response, StandardCharsets.US_ASCII));
      } else {
        assertEquals(0, tunnel.client.stats().features());
      }
    }
  }

  @Test
  void shouldCloseEverySocketWhenTheChannelCloses() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    BridgeListener recorder = new BridgeListener() {
      @Override
      public void onSocketClosed(int socketId, String reason) {
        events.add("socket " + reason);
      }

      @Override
      public void onClosed(String reason) {
        events.add("bridge " + reason);
      }
    };
    try (Services.Service echo = Services.echo();
        Tunnel tunnel = new Tunnel(echo.address(), BridgeConfig.defaults(),
            BridgeConfig.builder().listener(recorder).build(), InMemoryChannel.Config.defaults())) {
      List<Socket> apps = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Socket app = Services.connect(tunnel.address());
        app.getOutputStream().write(1);
        assertEquals(1, app.getInputStream().read());
        apps.add(app);
      }
      tunnel.pair.first().sever("peer process gone");
      for (Socket app : apps) {
        Services.assertReset(app);
        app.close();
      }
      assertEquals("channel closed: peer process gone", tunnel.client.awaitClosed(Duration.ofSeconds(60)));
      assertEquals(5, events.stream().filter(e -> e.startsWith("socket bridge closed")).count());
      assertEquals("bridge channel closed: peer process gone", events.get(events.size() - 1));
    }
  }
}

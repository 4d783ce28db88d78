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

/** Both bridges over an in-memory channel, real TCP at both ends. */
@Timeout(120)
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
  void shouldCarryServerFirstBanner() throws Exception {
    try (Services.Service banner = new Services.Service(socket -> {
          try {
            socket.getOutputStream().write("220 welcome\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getInputStream().read();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        Tunnel tunnel = new Tunnel(banner.address());
        Socket app = Services.connect(tunnel.address())) {
      byte[] line = app.getInputStream().readNBytes(13);
      assertEquals("220 welcome\r\n", new String(line, StandardCharsets.US_ASCII));
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
  void shouldMoveRandomDataOverAThousandConcurrentConnections() throws Exception {
    try (Services.Service echo = Services.echo(); Tunnel tunnel = new Tunnel(echo.address())) {
      ExecutorService pool = Executors.newFixedThreadPool(1000);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          int seed = i;
          results.add(pool.submit(() -> {
            byte[] data = new byte[new Random(seed).nextInt(200_000) + 1];
            new Random(seed).nextBytes(data);
            try (Socket app = Services.connect(tunnel.address())) {
              Thread writer = new Thread(() -> {
                try {
                  app.getOutputStream().write(data);
                  app.shutdownOutput();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
              writer.start();
              byte[] back = app.getInputStream().readAllBytes();
              writer.join();
              return Services.sha256(data).equals(Services.sha256(back));
            }
          }));
        }
        int ok = 0;
        for (Future<Boolean> result : results) {
          ok += result.get() ? 1 : 0;
        }
        assertEquals(1000, ok);
      } finally {
        pool.shutdownNow();
      }
      BridgeStats stats = tunnel.client.stats();
      assertEquals(1000, stats.totalSockets());
      assertEquals(Extensions.ALL_FEATURES, stats.features());
      assertEquals(java.util.Map.of(), stats.errors());
    }
  }

  @Test
  void shouldTransfer200MegabytesIntact() throws Exception {
    long size = 200L << 20;
    MessageDigest sent = Services.digest();
    MessageDigest received = Services.digest();
    try (Services.Service sink = new Services.Service(socket -> {
          try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
              received.update(buffer, 0, n);
            }
            socket.getOutputStream().write(received.digest());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        Tunnel tunnel = new Tunnel(sink.address());
        Socket app = Services.connect(tunnel.address())) {
      OutputStream out = app.getOutputStream();
      Random random = new Random(200);
      byte[] chunk = new byte[1 << 16];
      for (long done = 0; done < size; done += chunk.length) {
        random.nextBytes(chunk);
        sent.update(chunk);
        out.write(chunk);
      }
      app.shutdownOutput();
      byte[] digest = app.getInputStream().readNBytes(32);
      assertArrayEquals(sent.digest(), digest, "sha256 of 200 MB through the tunnel");
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

  @ParameterizedTest(name = "client extensions {0}, host extensions {1}")
  @CsvSource({"false,false", "true,false", "false,true"})
  void shouldEchoWithAnOriginalProtocolPeer(boolean clientExtensions, boolean hostExtensions) throws Exception {
    try (Services.Service echo = Services.echo();
        Tunnel tunnel = new Tunnel(echo.address(),
            BridgeConfig.builder().extensions(hostExtensions).build(),
            BridgeConfig.builder().extensions(clientExtensions).build(), InMemoryChannel.Config.defaults())) {
      byte[] data = new byte[3 << 20];
      new Random(3).nextBytes(data);
      for (int i = 0; i < 3; i++) {
        try (Socket app = Services.connect(tunnel.address())) {
          byte[] back = Services.echoThrough(app, data);
          assertEquals(Services.sha256(data), Services.sha256(back));
        }
      }
      assertEquals(0, tunnel.client.stats().features());
      assertEquals(0, tunnel.host.stats().features());
    }
  }

  @Test
  void shouldCloseClientSocketWhenServiceRefusesAndStayAlive() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    try (Tunnel tunnel = new Tunnel(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort))) {
      for (int i = 0; i < 3; i++) {
        try (Socket app = Services.connect(tunnel.address())) {
          app.setSoTimeout(5_000);
          assertEquals(-1, app.getInputStream().read(), "closed promptly, no data");
        }
      }
      assertTrue(tunnel.client.isOpen());
      assertTrue(tunnel.host.isOpen());
      assertEquals(3L, tunnel.host.stats().errors().get(ErrorKind.SERVICE_REFUSED));
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
      assertEquals("channel closed: peer process gone", tunnel.client.awaitClosed(Duration.ofSeconds(5)));
      assertEquals(5, events.stream().filter(e -> e.startsWith("socket bridge closed")).count());
      assertEquals("bridge channel closed: peer process gone", events.get(events.size() - 1));
    }
  }

  @Test
  void shouldKeepOtherSocketsFlowingWhileOneReaderStalls() throws Exception {
    // One local app never reads its echo; with flow control only its own socket stops.
    try (Services.Service echo = Services.echo(); Tunnel tunnel = new Tunnel(echo.address());
        Socket stalled = Services.connect(tunnel.address())) {
      byte[] block = new byte[1 << 20];
      Thread stuffer = new Thread(() -> {
        try {
          for (int i = 0; i < 64; i++) {
            stalled.getOutputStream().write(block); // blocks once every buffer on the way is full
          }
        } catch (IOException e) {
          // closed at the end of the test
        }
      });
      stuffer.setDaemon(true);
      stuffer.start();
      Thread.sleep(500);
      for (int i = 0; i < 4; i++) {
        try (Socket app = Services.connect(tunnel.address())) {
          byte[] data = new byte[4 << 20];
          new Random(i).nextBytes(data);
          byte[] back = Services.echoThrough(app, data);
          assertEquals(Services.sha256(data), Services.sha256(back), "flow " + i);
        }
      }
      // Memory held for the stalled socket is bounded by its window on each side.
      for (BridgeStats.SocketStats socket : tunnel.host.socketStats()) {
        assertTrue(socket.pendingBytes() <= BridgeConfig.defaults().receiveWindowBytes(), socket.toString());
      }
      for (BridgeStats.SocketStats socket : tunnel.client.socketStats()) {
        assertTrue(socket.pendingBytes() <= BridgeConfig.defaults().receiveWindowBytes(), socket.toString());
      }
      assertTrue(tunnel.client.isOpen());
    }
  }

  @Test
  void shouldCloseOnlyTheSocketThatOverflowsWithoutFlowControl() throws Exception {
    // An original peer has no flow control: a local app that never reads while the service floods gets a
    // finite buffer, then its socket closes with a clear error; other sockets are unaffected.
    BridgeConfig original = BridgeConfig.builder().extensions(false).maxPendingBytesPerSocket(2 << 20).build();
    List<String> closes = new CopyOnWriteArrayList<>();
    BridgeConfig clientConfig = original.toBuilder().listener(new BridgeListener() {
      @Override
      public void onSocketClosed(int socketId, String reason) {
        closes.add(reason);
      }
    }).build();
    try (Services.Service flood = new Services.Service(socket -> {
          try {
            if (socket.getInputStream().read() == 'F') {
              byte[] block = new byte[1 << 20];
              for (int i = 0; i < 64; i++) {
                socket.getOutputStream().write(block);
              }
            } else {
              socket.getOutputStream().write(42);
            }
          } catch (IOException e) {
            // the bridge closed the connection
          }
        });
        Tunnel tunnel = new Tunnel(flood.address(), original, clientConfig, InMemoryChannel.Config.defaults());
        Socket stalled = Services.connect(tunnel.address())) {
      stalled.getOutputStream().write('F'); // and never read
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (closes.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(List.of("local application did not read: 2097152 bytes pending > max 2097152"
          + " (peer has no flow control)"), closes.stream().map(r -> r.replaceAll("\\d+ bytes", "2097152 bytes"))
          .toList());
      assertEquals(1L, tunnel.client.stats().errors().get(ErrorKind.OVERFLOW));
      try (Socket other = Services.connect(tunnel.address())) {
        other.getOutputStream().write('x');
        assertEquals(42, other.getInputStream().read());
      }
    }
  }

  @Test
  void shouldSurviveAHundredThousandSequentialConnectionsWithWrappingIds() throws Exception {
    try (Services.Service echo = Services.echo(); Tunnel tunnel = new Tunnel(echo.address())) {
      int failures = 0;
      for (int i = 0; i < 100_000; i++) {
        try (Socket app = new Socket()) {
          app.connect(tunnel.address(), 5_000);
          app.setSoTimeout(10_000);
          app.getOutputStream().write(i & 0x7F);
          if (app.getInputStream().read() != (i & 0x7F)) {
            failures++;
          }
        }
      }
      assertEquals(0, failures);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (tunnel.client.stats().openSockets() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      BridgeStats stats = tunnel.client.stats();
      assertEquals(100_000, stats.totalSockets());
      assertEquals(0, stats.openSockets());
      assertEquals(java.util.Map.of(), stats.errors());
    }
  }

  @Test
  void shouldDeclareASilentPeerDeadWithinTheKeepaliveTimeout() throws Exception {
    InMemoryChannel.Pair pair = InMemoryChannel.pair();
    ScriptedPeer peer = new ScriptedPeer(pair.first());
    peer.send(Extensions.hello(Extensions.ALL_FEATURES)); // announces keepalive, then never answers
    BridgeConfig config = BridgeConfig.builder().keepalive(Duration.ofMillis(100), Duration.ofMillis(600)).build();
    try (ClientBridge client = ClientBridge.start(pair.second(),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config);
        Socket app = Services.connect(client.localAddress())) {
      long start = System.nanoTime();
      String reason = client.awaitClosed(Duration.ofSeconds(5));
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals("peer did not answer keepalive within 600 ms", reason);
      assertTrue(elapsedMs < 3_000, "closed after " + elapsedMs + " ms");
      Services.assertReset(app);
      assertNotNull(peer.await(f -> f.event() == dev.p2ptunnel.protocol.Frame.EVENT_PING, Duration.ofSeconds(1)));
    }
  }
}

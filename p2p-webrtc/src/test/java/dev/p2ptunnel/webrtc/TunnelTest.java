package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.protocol.Extensions;
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
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tunnel.host and Tunnel.client over a real DataChannel, in the test network namespace. */
@Timeout(120)
class TunnelTest {
  private static final Duration OPEN = Duration.ofSeconds(20);

  @BeforeEach
  void needsNamespace() {
    TestNetns.assumeNamespace();
  }

  private static HostTunnel host(InetSocketAddress service, HostSignaling signaling) {
    return Tunnel.host(HostOptions.builder(service.getHostString(), service.getPort())
        .signaling(signaling).webRtc(TestNetns.config()).build());
  }

  private static ClientTunnel client(Signaling signaling) throws IOException {
    return Tunnel.client(ClientOptions.builder(0).signaling(signaling).webRtc(TestNetns.config()).build());
  }

  @Test
  void shouldServeHttpThroughHostAndClientTunnels() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = ("hello from " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    InMemorySignaling signaling = new InMemorySignaling();
    try (HostTunnel host = host(server.getAddress(), signaling); ClientTunnel client = client(signaling)) {
      assertEquals(TunnelHandle.State.CONNECTING, host.state() == TunnelHandle.State.OPEN
          ? TunnelHandle.State.CONNECTING : host.state());
      client.awaitOpen(OPEN);
      host.awaitOpen(OPEN);
      assertEquals(TunnelHandle.State.OPEN, client.state());
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + client.localAddress().getPort() + "/page" + i)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("hello from /page" + i, response.body());
      }
      BridgeStats stats = client.stats();
      assertNotNull(stats);
      assertEquals(Extensions.SUPPORTED_FEATURES, stats.features(), "both ends are ours: extensions on");
      assertEquals(PathType.DIRECT, client.path().get());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void shouldCarry100MegabytesIntactThroughTheTunnel() throws Exception {
    long size = 100L << 20;
    try (ServerSocket sink = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread service = new Thread(() -> {
        try (Socket socket = sink.accept()) {
          MessageDigest digest = MessageDigest.getInstance("SHA-256");
          InputStream in = socket.getInputStream();
          byte[] buffer = new byte[1 << 16];
          int n;
          while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
          }
          socket.getOutputStream().write(digest.digest());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      service.start();
      InMemorySignaling signaling = new InMemorySignaling();
      try (HostTunnel host = host((InetSocketAddress) sink.getLocalSocketAddress(), signaling);
          ClientTunnel client = client(signaling)) {
        client.awaitOpen(OPEN);
        host.awaitOpen(OPEN);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        try (Socket app = new Socket(client.localAddress().getAddress(), client.localAddress().getPort())) {
          OutputStream out = app.getOutputStream();
          Random random = new Random(100);
          byte[] chunk = new byte[1 << 16];
          long start = System.nanoTime();
          for (long done = 0; done < size; done += chunk.length) {
            random.nextBytes(chunk);
            sent.update(chunk);
            out.write(chunk);
          }
          app.shutdownOutput();
          byte[] digest = app.getInputStream().readNBytes(32);
          double seconds = (System.nanoTime() - start) / 1e9;
          assertArrayEquals(sent.digest(), digest, "sha256 of 100 MiB through the tunnel");
          System.out.printf("tunnel: 100 MiB in %.2f s = %.1f MB/s%n", seconds, size / seconds / 1e6);
        }
        service.join(10_000);
      }
    }
  }

  @Test
  void shouldCloseTheHostWhenTheClientCloses() throws Exception {
    try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InMemorySignaling signaling = new InMemorySignaling();
      try (HostTunnel host = host((InetSocketAddress) service.getLocalSocketAddress(), signaling)) {
        ClientTunnel client = client(signaling);
        client.awaitOpen(OPEN);
        host.awaitOpen(OPEN);
        client.close();
        assertEquals(TunnelHandle.State.CLOSED, client.state());
        assertNotNull(host.awaitClosed(Duration.ofSeconds(10)), "host closed after the client did");
        assertEquals(TunnelHandle.State.CLOSED, host.state());
        assertThrows(IOException.class, () -> new Socket(client.localAddress().getAddress(),
            client.localAddress().getPort()).close(), "the client's port is released");
      }
    }
  }

  @Test
  void shouldCloseTheClientAndItsSocketsWhenTheHostCloses() throws Exception {
    try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InMemorySignaling signaling = new InMemorySignaling();
      HostTunnel host = host((InetSocketAddress) service.getLocalSocketAddress(), signaling);
      try (ClientTunnel client = client(signaling)) {
        client.awaitOpen(OPEN);
        Socket app = new Socket(client.localAddress().getAddress(), client.localAddress().getPort());
        app.getOutputStream().write(1);
        try (Socket accepted = service.accept()) {
          assertEquals(1, accepted.getInputStream().read());
          host.close();
          String reason = client.awaitClosed(Duration.ofSeconds(10));
          assertNotNull(reason, "client closed after the host did");
          app.setSoTimeout(5_000);
          assertThrows(IOException.class, () -> {
            if (app.getInputStream().read() < 0) {
              throw new IOException("end of stream");
            }
          });
          app.close();
        }
      }
    }
  }

  @Test
  void shouldStopWaitingForAPeerWhenClosed() throws Exception {
    HostTunnel host = host(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), new InMemorySignaling());
    assertEquals(TunnelHandle.State.CONNECTING, host.state());
    host.close();
    assertEquals(TunnelHandle.State.CLOSED, host.state());
    assertTrue(host.opened().isCompletedExceptionally());
    assertEquals("closed locally", host.closed().get());
  }

  @Test
  void shouldReportAPortInUseAtOnce() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IOException e = assertThrows(IOException.class, () -> Tunnel.client(ClientOptions
          .builder(taken.getLocalPort()).signaling(new InMemorySignaling()).webRtc(TestNetns.config()).build()));
      assertTrue(e.getMessage().startsWith("cannot listen on "), e.getMessage());
    }
  }
}

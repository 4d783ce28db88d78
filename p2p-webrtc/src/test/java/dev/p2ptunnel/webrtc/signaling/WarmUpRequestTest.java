package dev.p2ptunnel.webrtc.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The warm-up's first request: one {@code GET healthz} relative to the server's path, with the client the next
 * signaling takes, its answer ignored; a server that never answers holds only the warm-up's thread, for its timeout.
 */
class WarmUpRequestTest {
  private static final String SESSION = "0000-0000-0000-0000-0000-0000-0000";

  @Test
  void theWarmUpAsksForHealthzUnderTheServersPathWithTheSpareClient() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> requestLine = answerOnce(server, true);
      URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/signal");
      takeSpare(uri);
      HttpSignaling.warmUp(uri);
      assertEquals("GET /signal/healthz HTTP/1.1", requestLine.get(30, TimeUnit.SECONDS));
      assertEquals(Boolean.FALSE, OwnClients.spareTls(), "the client that asked waits for the next signaling");
      takeSpare(uri);
    }
  }

  @Test
  void aServerThatNeverAnswersTheWarmUpFailsNothing() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> requestLine = answerOnce(server, false);
      URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
      takeSpare(uri);
      HttpSignaling.warmUp(uri); // returns once its request timed out, without an exception
      assertEquals("GET /healthz HTTP/1.1", requestLine.get(30, TimeUnit.SECONDS));
      assertTrue(OwnClients.spareTls() != null, "the spare is still there for the signaling");
      takeSpare(uri);
    }
  }

  @Test
  void withOverlapOffTheWarmUpBuildsTheClientAndAsksNothing() throws Exception {
    try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()) {
      server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      server.configureBlocking(false);
      URI uri = URI.create("http://127.0.0.1:" + server.socket().getLocalPort() + "/");
      takeSpare(uri);
      System.setProperty("p2p.start.overlap", "off");
      try {
        HttpSignaling.warmUp(uri); // synchronous: a request would have connected before it returned
      } finally {
        System.clearProperty("p2p.start.overlap");
      }
      assertEquals(Boolean.FALSE, OwnClients.spareTls(), "the spare client is built all the same");
      assertEquals(null, server.accept(), "no connection was made");
      takeSpare(uri);
    }
  }

  /** Lets the next signaling take a spare client another test may have left, so that the warm-up builds one. */
  private static void takeSpare(URI uri) {
    for (Boolean tls = OwnClients.spareTls(); tls != null; tls = OwnClients.spareTls()) {
      try (HttpSignaling taker = new HttpSignaling(tls ? URI.create("https://signal.invalid/") : uri, SESSION)) {
        taker.prepare(); // takes the spare; no network
      }
    }
  }

  /** Accepts one connection, reads its request head, answers 200 (or never) and returns the request line. */
  private static CompletableFuture<String> answerOnce(ServerSocket server, boolean answer) {
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try (Socket socket = server.accept()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
            StandardCharsets.ISO_8859_1));
        String first = in.readLine();
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
          // the head only
        }
        if (answer) {
          OutputStream out = socket.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
              .getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
        line.complete(first);
        if (!answer) {
          in.read(); // until the client gives up and closes
        }
      } catch (Exception e) {
        line.completeExceptionally(e);
      }
    }, "warm-up-test-server");
    thread.setDaemon(true);
    thread.start();
    return line;
  }
}

package dev.p2ptunnel.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The web server a demo host shares in the end-to-end tests: HTTP on 127.0.0.1 at a free port, started before each
 * test and stopped after it, answering every GET with 200 and a body made from the request's path. Register it as an
 * instance {@code @RegisterExtension} field. Not thread-safe (JUnit's thread only).
 */
final class WebService implements BeforeEachCallback, AfterEachCallback {
  private final UnaryOperator<String> body;
  private @Nullable HttpServer server;

  private WebService(UnaryOperator<String> body) {
    this.body = body;
  }

  /** Answers every path with {@code body}. */
  static WebService answering(String body) {
    return new WebService(path -> body);
  }

  /** Answers {@code /x} with {@code "served /x"}: a test can tell which request came through. */
  static WebService echoingPaths() {
    return new WebService(path -> "served " + path);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    HttpServer started = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    started.createContext("/", exchange -> {
      byte[] bytes = body.apply(exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    started.start();
    server = started;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    HttpServer running = server;
    server = null;
    if (running != null) {
      running.stop(0);
    }
  }

  /** The port it listens on (127.0.0.1). */
  int port() {
    return Objects.requireNonNull(server, "server: not started (expected: inside a test)").getAddress().getPort();
  }
}

package dev.p2ptunnel.demo.lab;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The service the lab host shares, run as its own JVM inside {@code p2plab-host}:
 * {@code LabService PORT} serves on 127.0.0.1:PORT
 * <ul>
 *   <li>{@code GET /hello}: a short text;
 *   <li>{@code GET /bytes?n=N&seed=S}: the {@link LabData} bytes, with Content-Length;
 *   <li>{@code POST /sink}: reads the body, answers {@code bytes=N sha256=HEX};
 *   <li>{@code GET /hold}: sends a few bytes, then keeps the connection open without sending more.
 * </ul>
 * Prints {@code listening 127.0.0.1:PORT} when ready, and one line per finished request.
 */
final class LabService {
  static final String HELLO = "hello from the lab host";

  private LabService() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    // An interactive keep-alive connection must outlive a network outage of the tunnel (ResilienceLabIT): the JDK
    // server would close it after 30 s idle by default.
    System.setProperty("sun.net.httpserver.idleInterval", "3600");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    // One thread per exchange: a held connection must not block the others.
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/hello", exchange -> reply(exchange, HELLO));
    server.createContext("/bytes", LabService::bytes);
    server.createContext("/sink", LabService::sink);
    server.createContext("/hold", LabService::hold);
    server.start();
    System.out.println("listening 127.0.0.1:" + port);
  }

  private static void bytes(HttpExchange exchange) throws IOException {
    Map<String, String> query = query(exchange);
    long n = Long.parseLong(query.get("n"));
    LabData data = new LabData(n, Long.parseLong(query.get("seed")));
    exchange.sendResponseHeaders(200, n == 0 ? -1 : n);
    byte[] buffer = new byte[LabData.BUFFER_BYTES];
    try (OutputStream body = exchange.getResponseBody()) {
      int count;
      while ((count = data.next(buffer)) > 0) {
        body.write(buffer, 0, count);
      }
    }
    System.out.println("sent /bytes n=" + n);
  }

  private static void sink(HttpExchange exchange) throws IOException {
    MessageDigest digest = LabData.newDigest();
    long total = 0;
    byte[] buffer = new byte[LabData.BUFFER_BYTES];
    try (InputStream body = exchange.getRequestBody()) {
      int count;
      while ((count = body.read(buffer)) > 0) {
        digest.update(buffer, 0, count);
        total += count;
      }
    }
    String result = "bytes=" + total + " sha256=" + HexFormat.of().formatHex(digest.digest());
    System.out.println("sink " + result);
    reply(exchange, result);
  }

  private static void hold(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, 0);
    OutputStream body = exchange.getResponseBody();
    body.write("held\n".getBytes(StandardCharsets.UTF_8));
    body.flush();
    System.out.println("holding a connection");
    try {
      Thread.sleep(600_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    exchange.close();
  }

  private static void reply(HttpExchange exchange, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> query = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
      }
    }
    return query;
  }
}

package dev.p2ptunnel.signaling.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.api.JsonBodies;
import dev.p2ptunnel.signaling.internal.Api.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests an attacker (or a broken client) sends, over raw sockets: each gets a 4xx JSON error naming what was
 * wrong, never a 5xx, an HTML page, a reset or a hang; slow ones are cut by the header and body timeouts; the
 * per-address connection and request limits hold.
 */
@Timeout(120)
class HardeningTest {
  private Server server;
  private Api api;

  private void start(SignalingConfig config) throws IOException {
    server = Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config);
    api = new Api(server.uri());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Status code and the JSON body of a raw response. */
  private static String[] parse(String response) {
    assertTrue(response.startsWith("HTTP/1.1 "), "an HTTP response: " + response);
    String status = response.substring(9, 12);
    assertTrue(response.toLowerCase().contains("content-type: application/json"), "JSON: " + response);
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    var json = JsonBodies.tryParse(body.getBytes(StandardCharsets.UTF_8));
    assertTrue(json != null && json.path("error").isTextual() && json.path("message").isTextual(),
        "a JSON error body: " + response);
    return new String[] {status, json.get("error").asText(), json.get("message").asText()};
  }

  private String[] raw(String request) throws IOException {
    try (Raw raw = new Raw(server.address())) {
      return parse(raw.write(request).readResponse());
    }
  }

  @Test
  void shouldAnswerAHugeHeaderWith431AndAHugeUriWith414InJson() throws Exception {
    start(SignalingConfig.defaults());
    String[] header = raw("GET /v1/sessions HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n");
    assertEquals("431", header[0]);
    assertEquals("headers_too_large", header[1]);
    assertTrue(header[2].startsWith("request headers are too large: request line and headers take at most 8192 "
        + "bytes"), header[2]);
    String[] uri = raw("GET /v1/sessions/" + "A".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals("414", uri[0]);
    assertEquals("uri_too_long", uri[1]);
    assertEquals(201, api.post("/v1/sessions", null, "").status(), "the server is still fine");
  }

  @Test
  void shouldAnswerMalformedRequestsWithA400InJson() throws Exception {
    start(SignalingConfig.defaults());
    String[] badEncoding = raw("GET /v1/sessions/%ZZ/events HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals("400", badEncoding[0], String.join(" ", badEncoding));
    String[] garbage = raw("HELLO THERE\r\n\r\n");
    assertTrue(garbage[0].startsWith("4"), String.join(" ", garbage));
    String[] noHost = raw("GET /v1/sessions HTTP/1.1\r\n\r\n");
    assertEquals("400", noHost[0], String.join(" ", noHost));
    String[] badLength = raw("POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
    assertEquals("400", badLength[0], String.join(" ", badLength));
    String[] twoLengths = raw("POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n"
        + "\r\n{}");
    assertEquals("400", twoLengths[0], String.join(" ", twoLengths));
    String[] encodedSlash = raw("GET /v1/sessions/a%2Fb/events HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(encodedSlash[0].startsWith("4"), String.join(" ", encodedSlash));
    String[] dotDot = raw("GET /v1/sessions/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(dotDot[0].startsWith("4"), String.join(" ", dotDot));
  }

  @Test
  void shouldAnswerA2MiBBodyWith413AndNotAReset() throws Exception {
    start(SignalingConfig.defaults());
    String big = "{\"clientName\": \"" + "x".repeat(2 << 20) + "\"}";
    Response response = api.send(api.request("/v1/sessions", null).POST(HttpRequest.BodyPublishers.ofString(big))
        .build());
    assertEquals(413, response.status(), response.toString());
    assertEquals("body_too_large", response.error());
    assertEquals("request body is " + big.length() + " bytes (expected: at most 65536 bytes)", response.message());
  }

  @Test
  void shouldCloseAConnectionThatDripsItsHeaders() throws Exception {
    start(SignalingConfig.builder().headerTimeout(Duration.ofSeconds(1)).build());
    try (Raw raw = new Raw(server.address())) {
      raw.write("GET /v1/sessions/0000-0000-0000-0000-0000-0000-0000/events HTTP/1.1\r\nHost: x\r\n");
      long start = System.nanoTime();
      for (int i = 0; i < 10 && !raw.socket.isClosed(); i++) {
        try {
          raw.write("X-Drip-" + i + ": y\r\n"); // every byte would reset an idle timeout; the deadline holds
        } catch (IOException e) {
          break;
        }
        Thread.sleep(200); // the attacker's pace, not a wait for the server
      }
      assertTrue(raw.closedByServer(), "the server closed the slow connection");
      System.out.printf("header deadline 1 s: closed after %.1f s%n", (System.nanoTime() - start) / 1e9);
    }
  }

  @Test
  void shouldAnswerABodyThatDoesNotArriveWith408AndClose() throws Exception {
    start(SignalingConfig.builder().bodyTimeout(Duration.ofSeconds(1)).build());
    try (Raw raw = new Raw(server.address())) {
      String response = raw.write("POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{\"maxCl").readAll();
      String[] parsed = parse(response.substring(0, response.indexOf('}') + 1));
      assertEquals("408", parsed[0]);
      assertEquals("body_timeout", parsed[1]);
      assertEquals("the request body did not arrive within 1 s (7 bytes came; expected: the whole body in time)",
          parsed[2]);
    }
  }

  @Test
  void shouldCloseConnectionsOverThePerAddressLimit() throws Exception {
    start(SignalingConfig.builder().maxConnectionsPerAddress(4).build());
    List<Raw> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        held.add(new Raw(server.address()));
      }
      awaitAtLeast(4); // all four accepted by the server before the fifth: it is the one over the limit
      try (Raw fifth = new Raw(server.address())) {
        String response = fifth.write("GET /v1/sessions/0000-0000-0000-0000-0000-0000-0000/events?wait=0 "
            + "HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
        assertTrue(response.toLowerCase().contains("\r\nretry-after: 1\r\n"), response);
        assertTrue(response.toLowerCase().contains("\r\nconnection: close\r\n"), response);
        String[] refused = parse(response);
        assertEquals("429", refused[0], "the fifth connection from 127.0.0.1 is told why");
        assertEquals("too_many_connections", refused[1]);
        assertEquals("too many open connections from 127.0.0.1: at most 4; retry after 1 s", refused[2]);
        assertTrue(fifth.closedByServer(), "and closed");
      }
      try (Raw silent = new Raw(server.address())) {
        assertTrue(silent.closedByServer(), "one over the limit that sends nothing is closed");
      }
      try (Raw other = new Raw(server.address(), InetAddress.getByName("127.0.0.2"))) {
        String[] answer = parse(other.write("GET /v1/sessions/0000-0000-0000-0000-0000-0000-0000/joins/x?wait=0 "
            + "HTTP/1.1\r\nHost: x\r\n\r\n").readResponse());
        assertEquals("404", answer[0], "another address is served");
      }
      held.get(0).close();
      held.remove(0);
      // Only the three still held: the closed one, and the refused and the other address's, all gone from the count
      // (waiting for 4 passed while one of them lingered, and the next connection was still over the limit).
      awaitConnections(held.size());
      try (Raw again = new Raw(server.address())) {
        String[] answer = parse(again.write("GET /v1/sessions/0000-0000-0000-0000-0000-0000-0000/joins/x?wait=0 "
            + "HTTP/1.1\r\nHost: x\r\n\r\n").readResponse());
        assertEquals("404", answer[0], "a place came free");
      }
    } finally {
      for (Raw raw : held) {
        raw.close();
      }
    }
  }

  private void awaitAtLeast(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.connections() < count) {
      assertTrue(System.nanoTime() < deadline, "connections: " + server.connections());
      Thread.sleep(10);
    }
  }

  private void awaitConnections(int atMost) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.connections() > atMost) {
      assertTrue(System.nanoTime() < deadline, "connections: " + server.connections());
      Thread.sleep(10);
    }
  }

  @Test
  void shouldRefuseRequestsOverThePerAddressRateWith429() throws Exception {
    start(SignalingConfig.builder().requestsPerSecondPerAddress(1).build());
    // 60 at once from one address, at most 1 a second (burst 5): most are refused, however slow the machine.
    List<java.util.concurrent.CompletableFuture<Response>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(api.getAsync("/v1/sessions/0000-0000-0000-0000-0000-0000-0000/joins/x?wait=0", null));
    }
    int limited = 0;
    Response last = null;
    for (var future : sent) {
      Response response = future.get(30, java.util.concurrent.TimeUnit.SECONDS);
      if (response.status() == 429) {
        limited++;
        last = response;
      } else {
        assertEquals(404, response.status(), response.toString());
      }
    }
    assertTrue(limited > 0, "some of 60 requests at once refused: " + limited);
    assertEquals("rate_limited", last.error());
    assertEquals("too many requests from 127.0.0.1: at most 1 a second", last.message());
    assertEquals("1", last.raw().headers().firstValue("Retry-After").orElse(""));
  }

  @Test
  void shouldServeHealthAndMetrics() throws Exception {
    start(SignalingConfig.defaults());
    Response health = api.get("/healthz", null);
    assertEquals(200, health.status(), health.toString());
    assertEquals("ok", health.body().get("status").asText());
    assertEquals("memory", health.body().get("store").asText());
    api.create(1);
    api.get("/v2/nothing", null);
    var metrics = api.http.send(api.request("/metrics", null).GET().build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    String text = metrics.body();
    assertTrue(text.contains("p2p_signaling_http_requests_total{status=\"201\"} 1"), text);
    assertTrue(text.contains("p2p_signaling_rejections_total{reason=\"not_found\"} 1"), text);
    assertTrue(text.contains("p2p_signaling_sessions_created_total 1"), text);
    assertTrue(text.contains("p2p_signaling_polls_parked 0"), text);
    assertFalse(text.contains("hostSecret"), text);
  }
}

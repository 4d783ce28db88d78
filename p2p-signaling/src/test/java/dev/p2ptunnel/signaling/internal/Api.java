package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.api.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** Test support: raw calls to a signaling server with the JDK client, bodies as Jackson trees. */
final class Api {
  final HttpClient http;
  final URI base;

  record Response(int status, JsonNode body, HttpResponse<String> raw) {
    String error() {
      return body.path("error").asText();
    }

    String message() {
      return body.path("message").asText();
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  Api(URI base) {
    this(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
  }

  Api(URI base, HttpClient http) {
    this.base = base;
    this.http = http;
  }

  static ObjectNode json() {
    return JsonBodies.object();
  }

  HttpRequest.Builder request(String path, @Nullable String secret) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
    if (secret != null) {
      builder.header("Authorization", "Bearer " + secret);
    }
    return builder;
  }

  Response send(HttpRequest request) throws IOException, InterruptedException {
    return parse(http.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  CompletableFuture<Response> sendAsync(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(Api::parse);
  }

  static Response parse(HttpResponse<String> raw) {
    JsonNode body = raw.body().isEmpty() ? JsonBodies.object()
        : JsonBodies.tryParse(raw.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (body == null) {
      throw new AssertionError("response is not JSON: " + raw.statusCode() + " " + raw.body());
    }
    return new Response(raw.statusCode(), body, raw);
  }

  Response post(String path, @Nullable String secret, String body) throws IOException, InterruptedException {
    return send(request(path, secret).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build());
  }

  Response post(String path, @Nullable String secret, JsonNode body) throws IOException, InterruptedException {
    return post(path, secret, body.toString());
  }

  Response get(String path, @Nullable String secret) throws IOException, InterruptedException {
    return send(request(path, secret).GET().build());
  }

  CompletableFuture<Response> getAsync(String path, @Nullable String secret) {
    return sendAsync(request(path, secret).GET().build());
  }

  Response delete(String path, @Nullable String secret) throws IOException, InterruptedException {
    return send(request(path, secret).DELETE().build());
  }

  /** A new session: {@code [sessionId, hostSecret]}. */
  String[] create(int maxClients) throws IOException, InterruptedException {
    Response created = post("/v1/sessions", null, json().put("maxClients", maxClients));
    if (created.status() != 201) {
      throw new AssertionError("create failed: " + created);
    }
    return new String[] {created.body().get("sessionId").asText(), created.body().get("hostSecret").asText()};
  }

  /** Posts a join request; returns the response. */
  Response join(String sessionId, String clientName, String offer) throws IOException, InterruptedException {
    return post("/v1/sessions/" + sessionId + "/joins", null, json().put("clientName", clientName).put("offer", offer));
  }
}

package dev.p2ptunnel.signaling;

import dev.p2ptunnel.signaling.internal.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * A self-hostable signaling server: HTTP + JSON, long-polling so that it works through any HTTP proxy or load
 * balancer. A host creates a session and gets a Session ID (read aloud to the client) and a host secret; a client
 * posts a join request with its offer and a commitment to that Session ID; the host challenges it (fingerprint and
 * nonce), the client reveals its nonce, and the host approves with its answer or rejects with a reason; the host
 * says when an approved client left, so its slot is free at once. The protocol, its limits and its errors are in
 * {@code docs/SIGNALING.md}.
 *
 * <p>Hardened for the public internet (Jetty, with a header deadline, body timeout, per-address connection and
 * request limits, bounded sizes), with the state in memory (one instance) or in Redis
 * ({@link SignalingConfig#redis()}: any number of instances behind a load balancer serve one set of sessions).
 * {@code GET /healthz} for load balancers, {@code GET /metrics} for Prometheus, one access-log line per request on
 * the System.Logger {@code dev.p2ptunnel.signaling.access}. A waiting poll holds no thread, only its connection.
 * Starting a server changes nothing JVM-wide. Thread-safe; {@link #close()} is idempotent.
 *
 * <pre>{@code
 * try (SignalingServer server = SignalingServer.start(new InetSocketAddress(8080), SignalingConfig.defaults())) {
 *   System.out.println("signaling on " + server.uri());
 *   server.awaitClose();
 * }
 * }</pre>
 */
public final class SignalingServer implements AutoCloseable {
  private final Server server;

  private SignalingServer(Server server) {
    this.server = server;
  }

  /**
   * Binds {@code bind} (port 0 picks a free port; see {@link #address()}), connects the store and starts serving.
   *
   * @throws IOException if the address cannot be bound or the store cannot be reached, saying which
   */
  public static SignalingServer start(InetSocketAddress bind, SignalingConfig config) throws IOException {
    return new SignalingServer(Server.start(bind, config));
  }

  /** The bound address (with the real port when 0 was asked). */
  public InetSocketAddress address() {
    return server.address();
  }

  /** {@code http://host:port/}, for clients (a wildcard bind as 127.0.0.1). */
  public URI uri() {
    return server.uri();
  }

  /** Blocks until {@link #close()} has run. */
  public void awaitClose() throws InterruptedException {
    server.awaitClose();
  }

  /**
   * Answers every waiting poll with 503 {@code server_closing} (clients poll again: another instance, or this one
   * restarted, serves them when the state is in Redis), stops listening and stops every thread.
   */
  @Override
  public void close() {
    server.close();
  }
}

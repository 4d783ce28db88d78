package dev.p2ptunnel.webrtc.signaling;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP clients of our own that {@link ServerCalls} uses when the app injects none: how one is built (HTTP/1.1,
 * no redirects, daemon executor threads, no CA certificates for an http:// server), and the one spare client that a
 * warm-up builds ahead of the first call. Thread-safe: {@link #warmUp(URI)} runs on the app's warm-up thread,
 * {@link #takeSpare} on the thread of a ServerCalls' first call (under its lock); the spare changes hands through
 * one atomic reference.
 */
final class OwnClients {
  /** How long {@link #touch} waits for its answer at most: it only prepares, and holds only the warm-up's thread. */
  static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(2);

  /** A client of our own built ahead of the first call, with its executor, for an http:// or https:// server. */
  record Spare(boolean tls, HttpClient client, ExecutorService executor) {}

  /** The spare client {@link #warmUp(URI)} builds; the next ServerCalls of its kind takes it (waits for it). */
  private static final AtomicReference<@Nullable CompletableFuture<Spare>> SPARE = new AtomicReference<>();

  private OwnClients() {}

  /** Our own client: HTTP/1.1, no redirects; for an http:// server one that loads no CA certificates. */
  static HttpClient newClient(boolean tls, Executor executor) {
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(ServerCalls.CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).executor(executor);
    if (!tls) {
      builder.sslContext(noTls()); // never used: calls go to this one server and redirects are not followed
    }
    return builder.build();
  }

  /** Daemon threads named {@code p2p-signaling-http-N}, made as calls need them. */
  static ExecutorService newExecutor() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "p2p-signaling-http-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * The spare client for a server of this scheme, now no longer spare; null when there is none or it is for the
   * other scheme (then it stays for the next). Waits for a spare still being built: sooner than a new one.
   */
  static @Nullable Spare takeSpare(boolean tls) {
    CompletableFuture<Spare> pending = SPARE.get();
    Spare spare = pending == null ? null : pending.exceptionally(e -> null).join();
    return spare != null && spare.tls() == tls && SPARE.compareAndSet(pending, null) ? spare : null;
  }

  /**
   * Builds the client that the next ServerCalls without an injected client, for a server of {@code server}'s scheme,
   * takes instead of building its own on its first call (~120–220 ms on a JVM's first, docs/PERFORMANCE.md), then
   * loads Jackson ({@link ServerCalls#warmUp()}), then makes the client's first request ({@link #touch}:
   * {@code GET healthz}), at most {@link #WARM_UP_TIMEOUT}. One spare at a time: a second is not built (nor requested
   * with). A spare nobody takes keeps one idle daemon thread (the JDK client's selector) for the JVM's life. Blocks.
   */
  static void warmUp(URI server) {
    CompletableFuture<Spare> building = new CompletableFuture<>();
    HttpClient built = null;
    if (SPARE.compareAndSet(null, building)) {
      ExecutorService executor = newExecutor();
      try {
        boolean tls = !"http".equals(server.getScheme());
        built = newClient(tls, executor);
        building.complete(new Spare(tls, built, executor));
      } catch (RuntimeException | Error e) {
        executor.shutdown();
        SPARE.compareAndSet(building, null);
        building.completeExceptionally(e);
        throw e;
      }
    }
    ServerCalls.warmUp();
    if (built != null && dev.p2ptunnel.webrtc.internal.StartOverlap.overlapOn()) {
      touch(built, server);
    }
  }

  /**
   * One {@code GET healthz} (relative to the server's path, so {@code /healthz} on a server of its own) with
   * {@code client}, its answer ignored: the JDK client's first request loads ~200 classes and opens the connection
   * (kept for the next call), ~0.3–1 s of the join's first request under load (docs/PERFORMANCE.md, "Start, fourth
   * session"); done here, on the warm-up's thread, it overlaps the rest of the start. Never throws.
   */
  static void touch(HttpClient client, URI server) {
    try {
      HttpRequest request = HttpRequest.newBuilder(ServerCalls.baseOf(server).resolve("healthz"))
          .timeout(WARM_UP_TIMEOUT).GET().build();
      client.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.io.IOException | RuntimeException e) {
      // only a warm-up: the real calls report what is wrong with the server
    }
  }

  /** Tests: whether a spare client waits to be taken, and for which scheme. */
  static @Nullable Boolean spareTls() {
    CompletableFuture<Spare> spare = SPARE.get();
    return spare == null ? null : spare.join().tls();
  }

  /**
   * A TLS context that trusts nothing, for a client of an http:// server. Without one the JDK's client creates the
   * default context, which loads every CA certificate of the JDK (~50 ms, measured in docs/PERFORMANCE.md) on the
   * way to a tunnel's first byte.
   */
  private static SSLContext noTls() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[0], new TrustManager[0], null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context: " + e, e);
    }
  }
}

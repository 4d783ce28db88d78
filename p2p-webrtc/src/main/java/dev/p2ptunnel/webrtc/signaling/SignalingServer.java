package dev.p2ptunnel.webrtc.signaling;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A self-hostable signaling server: HTTP + JSON on the JDK's {@link HttpServer}, long-polling so that it works
 * through any HTTP proxy. A host creates a session and gets a Session ID (read aloud to the client) and a host
 * secret; a client posts a join request with its offer and a commitment to that Session ID; the host challenges it
 * (fingerprint and nonce), the client reveals its nonce, and the host approves with its answer or rejects with a
 * reason; the host says when an approved client left, so its slot is free at once. The protocol, its limits and its
 * errors are in {@code docs/SIGNALING.md}.
 *
 * <p>Threads: {@link Config#threads()} HTTP workers read requests and write responses; one state thread owns every
 * session and answers parked long-polls, whose timeouts it schedules itself. A waiting poll holds no thread, only
 * its connection, so 1 000 idle polls cost 1 000 sockets and a few kilobytes each. Thread-safe; {@link #close()} is
 * idempotent.
 *
 * <pre>{@code
 * try (SignalingServer server = SignalingServer.start(new InetSocketAddress(8080), SignalingServer.Config.defaults())) {
 *   System.out.println("signaling on " + server.uri());
 *   server.awaitClose();
 * }
 * }</pre>
 */
public final class SignalingServer implements AutoCloseable {
  static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  private final HttpServer http;
  private final ThreadPoolExecutor workers;
  private final ScheduledThreadPoolExecutor loop;
  private final Registry registry;
  private final InetSocketAddress address;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private SignalingServer(HttpServer http, ThreadPoolExecutor workers, ScheduledThreadPoolExecutor loop,
      Registry registry) {
    this.http = http;
    this.workers = workers;
    this.loop = loop;
    this.registry = registry;
    this.address = http.getAddress();
  }

  /**
   * Binds {@code bind} (port 0 picks a free port; see {@link #address()}) and starts serving.
   *
   * @throws IOException if the address cannot be bound, naming it
   */
  public static SignalingServer start(InetSocketAddress bind, Config config) throws IOException {
    // The JDK server writes the response headers and the body in two segments; with Nagle's algorithm on, the body
    // waits for the client's delayed ACK of the headers: 40 ms per reply on Linux loopback, measured. Its only switch
    // is this property, read once when the server's configuration class loads; an explicit setting is kept.
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
    ThreadPoolExecutor workers = new ThreadPoolExecutor(config.threads(), config.threads(), 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(config.maxParkedPolls() + 1024), named("p2p-signaling-http"),
        new ThreadPoolExecutor.AbortPolicy());
    ScheduledThreadPoolExecutor loop = new ScheduledThreadPoolExecutor(1, named("p2p-signaling-state"));
    loop.setRemoveOnCancelPolicy(true);
    Registry registry = new Registry(config, loop);
    loop.execute(registry::bindOwner);
    HttpServer http;
    try {
      http = HttpServer.create(bind, 1024);
    } catch (IOException e) {
      workers.shutdownNow();
      loop.shutdownNow();
      throw new IOException("cannot listen on " + bind + ": " + e.getMessage(), e);
    }
    http.createContext("/", new HttpFront(config, registry, loop, workers));
    http.setExecutor(workers);
    long sweepMs = Math.max(50, Math.min(1_000, Math.min(config.sessionTtl().toMillis(), config.joinTtl().toMillis())
        / 2));
    loop.scheduleWithFixedDelay(() -> registry.sweep(System.nanoTime()), sweepMs, sweepMs, TimeUnit.MILLISECONDS);
    http.start();
    return new SignalingServer(http, workers, loop, registry);
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The bound address (with the real port when 0 was asked). */
  public InetSocketAddress address() {
    return address;
  }

  /** {@code http://host:port/}, for clients. */
  public URI uri() {
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + "/");
  }

  /** Live sessions and parked polls, counted on the state thread: {@code [sessions, polls]}. For tests. */
  int[] load() {
    try {
      return CompletableFuture.supplyAsync(() -> new int[] {registry.liveSessions(), registry.parkedPolls()}, loop)
          .get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while counting", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the state thread did not answer: " + e, e);
    }
  }

  /** Blocks until {@link #close()} has run. */
  public void awaitClose() throws InterruptedException {
    try {
      done.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Answers every waiting poll with 410, stops listening and stops every thread. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      loop.submit(registry::closeAll).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
      // closing anyway
    }
    loop.shutdownNow();
    // Let the workers write the 410s just queued (new requests are refused from now on: the JDK closes their
    // connections), then close every connection.
    workers.shutdown();
    try {
      if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    http.stop(0);
    done.complete(null);
  }

  /**
   * Limits and timings of a server. Immutable.
   *
   * @param sessionTtl a session ends when its host has made no request (and has no poll waiting) for this long
   * @param joinTtl an undecided join request expires after this; a finished one stays readable this long
   * @param maxPollWait the longest a long-poll waits before answering "nothing yet" (keep it under proxies' timeouts)
   * @param maxBodyBytes larger request bodies get 413 without being read
   * @param maxSessions live sessions at most; creating one more gets 429
   * @param maxClientsPerSession the highest {@code maxClients} a host may ask for
   * @param createsPerMinute session creations per client IP address a minute (also the burst)
   * @param joinsPerMinute join requests per client IP address a minute (also the burst)
   * @param joinsPerSessionPerMinute join requests to one session a minute, from all addresses (also the burst)
   * @param maxParkedPolls long-polls waiting at once, server-wide; one more gets 429
   * @param maxStoredChars characters of SDP and names held at once, server-wide; a join past it gets 429
   * @param threads HTTP worker threads (they never wait for events: only for reading bodies and writing replies)
   */
  public record Config(Duration sessionTtl, Duration joinTtl, Duration maxPollWait, int maxBodyBytes, int maxSessions,
      int maxClientsPerSession, int createsPerMinute, int joinsPerMinute, int joinsPerSessionPerMinute,
      int maxParkedPolls, long maxStoredChars, int threads) {

    /** Validates. */
    public Config {
      positive("sessionTtl", sessionTtl);
      positive("joinTtl", joinTtl);
      positive("maxPollWait", maxPollWait);
      positive("maxBodyBytes", maxBodyBytes);
      positive("maxSessions", maxSessions);
      positive("maxClientsPerSession", maxClientsPerSession);
      positive("createsPerMinute", createsPerMinute);
      positive("joinsPerMinute", joinsPerMinute);
      positive("joinsPerSessionPerMinute", joinsPerSessionPerMinute);
      positive("maxParkedPolls", maxParkedPolls);
      positive("maxStoredChars", maxStoredChars);
      positive("threads", threads);
    }

    /**
     * Sessions live 1 hour after their host's last request, undecided join requests 10 minutes (longer than a host's
     * default approve timeout of 5); polls wait up to 25 s; bodies up to 64 KiB; 10 000 sessions; up to 16 clients
     * per session; 10 creations and 10 joins per IP a minute, 30 joins per session a minute; 10 000 waiting polls;
     * 64 Mi characters of SDP; 4 HTTP threads.
     */
    public static Config defaults() {
      return builder().build();
    }

    public static Builder builder() {
      return new Builder();
    }

    private static void positive(String name, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
    }

    private static void positive(String name, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
    }

    /** Builds a {@link Config}, starting from the defaults. Not thread-safe. */
    public static final class Builder {
      private Duration sessionTtl = Duration.ofHours(1);
      private Duration joinTtl = Duration.ofMinutes(10);
      private Duration maxPollWait = Duration.ofSeconds(25);
      private int maxBodyBytes = 64 * 1024;
      private int maxSessions = 10_000;
      private int maxClientsPerSession = 16;
      private int createsPerMinute = 10;
      private int joinsPerMinute = 10;
      private int joinsPerSessionPerMinute = 30;
      private int maxParkedPolls = 10_000;
      private long maxStoredChars = 64L << 20;
      private int threads = 4;

      private Builder() {}

      public Builder sessionTtl(Duration value) {
        sessionTtl = value;
        return this;
      }

      public Builder joinTtl(Duration value) {
        joinTtl = value;
        return this;
      }

      public Builder maxPollWait(Duration value) {
        maxPollWait = value;
        return this;
      }

      public Builder maxBodyBytes(int value) {
        maxBodyBytes = value;
        return this;
      }

      public Builder maxSessions(int value) {
        maxSessions = value;
        return this;
      }

      public Builder maxClientsPerSession(int value) {
        maxClientsPerSession = value;
        return this;
      }

      public Builder createsPerMinute(int value) {
        createsPerMinute = value;
        return this;
      }

      public Builder joinsPerMinute(int value) {
        joinsPerMinute = value;
        return this;
      }

      public Builder joinsPerSessionPerMinute(int value) {
        joinsPerSessionPerMinute = value;
        return this;
      }

      public Builder maxParkedPolls(int value) {
        maxParkedPolls = value;
        return this;
      }

      public Builder maxStoredChars(long value) {
        maxStoredChars = value;
        return this;
      }

      public Builder threads(int value) {
        threads = value;
        return this;
      }

      public Config build() {
        return new Config(sessionTtl, joinTtl, maxPollWait, maxBodyBytes, maxSessions, maxClientsPerSession,
            createsPerMinute, joinsPerMinute, joinsPerSessionPerMinute, maxParkedPolls, maxStoredChars, threads);
      }
    }
  }
}

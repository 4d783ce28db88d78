package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JsonBodies;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.DoSHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * One running server: Jetty (one connector, a bounded thread pool), the connection guard, the per-address request
 * limit (Jetty's DoSHandler), the {@link Front}, the {@link Polls} and the {@link Store}. Built by
 * {@link dev.p2ptunnel.signaling.SignalingServer}; thread-safe; {@link #close()} is idempotent.
 */
public final class Server implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.signaling");

  private final org.eclipse.jetty.server.Server jetty;
  private final Store store;
  private final Polls polls;
  private final ScheduledThreadPoolExecutor timer;
  private final ConnectionGuard guard;
  private final InetSocketAddress address;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile double sessions;

  private Server(org.eclipse.jetty.server.Server jetty, Store store, Polls polls, ScheduledThreadPoolExecutor timer,
      ConnectionGuard guard, InetSocketAddress address) {
    this.jetty = jetty;
    this.store = store;
    this.polls = polls;
    this.timer = timer;
    this.guard = guard;
    this.address = address;
  }

  /** Starts a server with the store {@code config} names (memory, or Redis). */
  public static Server start(InetSocketAddress bind, SignalingConfig config) throws IOException {
    return start(bind, config, listener -> config.redis() == null ? new MemoryStore(config, listener)
        : RedisStore.connect(config, listener));
  }

  /** Starts a server on a store of the caller's (tests inject faults this way). */
  static Server start(InetSocketAddress bind, SignalingConfig config, Function<Store.Listener, Store> stores)
      throws IOException {
    Networks.parse("metricsAllow", config.metricsAllow()); // fail early on a bad range
    ClientAddresses addresses = new ClientAddresses(config);
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "p2p-signaling-timer");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    Server[] self = new Server[1];
    Listener listener = new Listener();
    Store store;
    try {
      store = stores.apply(listener);
    } catch (RuntimeException e) {
      timer.shutdownNow();
      throw new IOException("cannot open the store: " + e.getMessage(), e);
    }
    Polls polls = new Polls(store, config.maxParkedPolls());
    listener.polls = polls;
    ConnectionGuard[] guardRef = new ConnectionGuard[1];
    Metrics metrics = new Metrics(() -> self[0] == null ? 0 : self[0].sessions, polls::parked,
        () -> guardRef[0] == null ? 0 : guardRef[0].openConnections());
    ConnectionGuard guard = new ConnectionGuard(config.maxConnectionsPerAddress(), config.headerTimeout().toNanos(),
        timer, addresses, metrics);
    guardRef[0] = guard;

    QueuedThreadPool threads = new QueuedThreadPool(config.threads(), Math.min(4, config.threads()));
    threads.setName("p2p-signaling-http");
    threads.setDaemon(true);
    org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(config.maxHeaderBytes());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(bind.getAddress() == null ? bind.getHostString() : bind.getAddress().getHostAddress());
    connector.setPort(bind.getPort());
    connector.setIdleTimeout(config.idleTimeout().toMillis());
    // On close, Jetty lowers the idle timeout of open connections to this and waits for them to end: a client's idle
    // keep-alive connection (no request on it; requests in flight are the GracefulHandler's) held every close for
    // Jetty's default 1 s. 100 ms still lets a response being written finish.
    connector.setShutdownIdleTimeout(100);
    connector.setAcceptQueueSize(1024);
    connector.addBean(guard);
    jetty.addConnector(connector);
    jetty.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
    jetty.setErrorHandler(new JsonErrorHandler(config.maxHeaderBytes(), metrics));

    Networks metricsAllow = Networks.parse("metricsAllow", config.metricsAllow());
    Exchange.Observer observer = (exchange, reply, bytesOut, failure) -> {
      String path = exchange.request.getHttpURI().getPath();
      String route = AccessLog.route(exchange.request.getMethod(), path);
      double seconds = (System.nanoTime() - exchange.startNs) / 1e9;
      metrics.answered(reply.status(), route, seconds, route.equals("events") || route.equals("status"));
      if (reply.error() != null && reply.status() < 500) {
        metrics.rejected(reply.error().wire());
      }
      AccessLog.log(exchange.address, exchange.request.getMethod(), route, AccessLog.session(path), reply.status(),
          reply.error() == null ? null : reply.error().wire(), seconds * 1e3, exchange.bodyBytes, bytesOut);
      guard.requestEnded(exchange.request.getConnectionMetaData().getConnection());
    };
    Front.Operations operations = new Front.Operations() {
      @Override
      public void health(Exchange exchange) {
        Server server = self[0];
        if (server == null || server.closed.get()) {
          exchange.send(Errors.closing());
          return;
        }
        store.ping().orTimeout(2, TimeUnit.SECONDS).whenComplete((ok, error) -> exchange.send(error == null
            ? Reply.of(200, JsonBodies.object().put("status", "ok").put("store", store.kind())
                .put("pollsParked", polls.parked()))
            : Reply.error(ErrorCode.STORE_UNAVAILABLE, "the store (" + store.kind() + ") does not answer: "
                + Front.failureText(error), Map.of("Retry-After", "2"))));
      }

      @Override
      public void metrics(Exchange exchange) {
        if (!metricsAllow.contains(exchange.address)) {
          exchange.send(new ApiError(ErrorCode.NOT_FOUND, "no such endpoint: GET \"/metrics\" (endpoints are under "
              + "/v1/sessions, see docs/SIGNALING.md)").reply());
          return;
        }
        byte[] text = metrics.scrape();
        exchange.send(new Reply(200, text, Map.of("Content-Type", metrics.contentType()), null));
      }
    };
    Front front = new Front(config, store, polls, timer, addresses, observer, operations);
    int rate = config.requestsPerSecondPerAddress();
    DoSHandler limit = new DoSHandler(front, request -> addresses.client(request),
        new DoSHandler.LeakingBucketTrackerFactory(rate, rate * 5, Duration.ofSeconds(10)),
        new Request.Handler() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            Exchange exchange = new Exchange(request, response, callback, addresses.client(request), observer);
            exchange.send(ApiError.retryAfter(ErrorCode.RATE_LIMITED, "too many requests from " + exchange.address
                + ": at most " + rate + " a second", 1).reply());
            return true;
          }
        }, config.maxSessions() * 10);
    jetty.setStopTimeout(2_000);
    // Graceful: on close, the 503s just given to waiting polls are written before connections are cut.
    jetty.setHandler(new GracefulHandler(new Handler.Wrapper(limit) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connection connection = request.getConnectionMetaData().getConnection();
        guard.requestStarted(connection);
        if (guard.overLimit(connection)) {
          Exchange exchange = new Exchange(request, response, callback, addresses.client(request), observer);
          exchange.send(Reply.error(ErrorCode.TOO_MANY_CONNECTIONS, "too many open connections from "
              + exchange.address + ": at most " + guard.maxPerAddress() + "; retry after 1 s",
              Map.of("Retry-After", "1", "Connection", "close")));
          return true;
        }
        return super.handle(request, response, callback);
      }
    }));
    try {
      jetty.start();
    } catch (Exception e) {
      stopQuietly(jetty);
      store.close();
      polls.close();
      timer.shutdownNow();
      throw new IOException("cannot listen on " + bind + ": " + e.getMessage(), e);
    }
    InetSocketAddress bound = new InetSocketAddress(bind.getAddress(), connector.getLocalPort());
    Server server = new Server(jetty, store, polls, timer, guard, bound);
    self[0] = server;
    timer.scheduleWithFixedDelay(server::sampleSessions, 0, 5, TimeUnit.SECONDS);
    LOG.log(Level.INFO, "signaling server on {0}, store {1}", bound, store.kind());
    return server;
  }

  /** The store's listener, wired to the polls once they exist. */
  private static final class Listener implements Store.Listener {
    volatile @Nullable Polls polls;

    @Override
    public void changed(String id, @Nullable Reply ended) {
      Polls p = polls;
      if (p != null) {
        p.changed(id, ended);
      }
    }

    @Override
    public void resync() {
      Polls p = polls;
      if (p != null) {
        p.resync();
      }
    }
  }

  private void sampleSessions() {
    store.sessions().whenComplete((count, error) -> {
      if (error == null) {
        sessions = count;
      }
    });
  }

  private static void stopQuietly(org.eclipse.jetty.server.Server jetty) {
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.log(Level.DEBUG, "stopping Jetty: {0}", e.toString());
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  /** {@code http://host:port/}, for clients (a wildcard bind as 127.0.0.1). */
  public java.net.URI uri() {
    String host = address.getAddress() == null || address.getAddress().isAnyLocalAddress() ? "127.0.0.1"
        : address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return java.net.URI.create("http://" + host + ":" + address.getPort() + "/");
  }

  /** Live sessions and parked polls: {@code [sessions, polls]}. For tests. */
  public long[] load() {
    return new long[] {store.sessions().join(), polls.parked()};
  }

  /** Open connections. For tests. */
  public int connections() {
    return guard.openConnections();
  }

  public void awaitClose() throws InterruptedException {
    try {
      done.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Answers every waiting poll (503: try again), stops listening, closes the store, stops every thread. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    polls.close();
    stopQuietly(jetty);
    store.close();
    timer.shutdownNow();
    done.complete(null);
  }
}

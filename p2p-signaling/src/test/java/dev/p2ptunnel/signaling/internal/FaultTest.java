package dev.p2ptunnel.signaling.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.internal.Api.Response;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our own faults are 5xx, never a 4xx that makes clients blame themselves: a bug (injected into the store) is a 500
 * with its stack trace in the log; a store that cannot be reached (Redis stopped) is a 503, and /healthz says so.
 */
@Timeout(120)
class FaultTest {
  /** Keeps the logger (java.util.logging holds loggers weakly) and what it logged. */
  private static final Logger LOGGER = Logger.getLogger("dev.p2ptunnel.signaling");

  private static List<LogRecord> capture() {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    LOGGER.addHandler(new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    return records;
  }

  /** The in-memory store, except that a join request fails with a bug of ours. */
  private static Store faulty(Store real) {
    return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
        (proxy, method, args) -> {
          if (method.getName().equals("join")) {
            return CompletableFuture.failedFuture(new IllegalStateException("injected fault: a bug in join"));
          }
          if (method.getName().equals("challenge")) {
            throw new NullPointerException("injected fault: thrown, not returned");
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void shouldAnswerAnInjectedInternalFaultWith500AndLogItsStackTrace() throws Exception {
    List<LogRecord> logged = capture();
    SignalingConfig config = SignalingConfig.defaults();
    try (Server server = Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config,
        listener -> faulty(new MemoryStore(config, listener)))) {
      Api api = new Api(server.uri());
      String[] session = api.create(1);
      Response join = api.join(session[0], "alice", SignalingServerTest.OFFER);
      assertEquals(500, join.status(), join.toString());
      assertEquals("internal_error", join.error());
      assertEquals("the signaling server failed on this request (IllegalStateException); it is logged, and the "
          + "request may be tried again", join.message());
      LogRecord record = logged.stream().filter(r -> r.getThrown() != null).findFirst().orElse(null);
      assertNotNull(record, "logged with its exception: " + logged);
      assertEquals("injected fault: a bug in join", record.getThrown().getMessage());
      assertTrue(record.getThrown().getStackTrace().length > 0, "with its stack trace");

      Response challenge = api.post("/v1/sessions/" + session[0] + "/joins/AAAAAAAAAAAAAAAAAAAAAA/challenge",
          session[1], Api.json().put("fingerprint", "sha-256 AB").put("nonce", JoinFlowServerTest.B32));
      assertEquals(500, challenge.status(), challenge.toString());
      assertEquals("internal_error", challenge.error());
      assertEquals(200, api.get("/healthz", null).status(), "the server itself is still fine");
    }
  }

  @Test
  void shouldAnswer503WhileRedisIsDownAndSayItInHealthz() throws Exception {
    RedisServer redis = RedisServer.start();
    try (Server server = Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        SignalingConfig.builder().redis(redis.uri()).build())) {
      Api api = new Api(server.uri());
      assertEquals(201, api.post("/v1/sessions", null, "").status());
      redis.close();
      Response create = api.post("/v1/sessions", null, "");
      assertEquals(503, create.status(), create.toString());
      assertEquals("store_unavailable", create.error());
      assertEquals("2", create.raw().headers().firstValue("Retry-After").orElse(""));
      Response health = api.get("/healthz", null);
      assertEquals(503, health.status(), health.toString());
      assertEquals("store_unavailable", health.error());
    } finally {
      redis.close();
    }
  }
}

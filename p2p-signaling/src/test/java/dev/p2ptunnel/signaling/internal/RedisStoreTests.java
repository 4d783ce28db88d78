package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * Every protocol test of {@link SignalingServerTest}, {@link JoinFlowServerTest},
 * {@link RestartServerTest} and {@link RestartRefusalServerTest} again, with the state in a real
 * Redis: both stores must answer byte for byte the same. Each test gets its own key prefix.
 */
class RedisStoreTests {
  private static RedisServer redis;
  private static final AtomicInteger TESTS = new AtomicInteger();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  static SignalingConfig onRedis(SignalingConfig config) {
    return config.toBuilder().redis(redis.uri()).redisPrefix("t" + TESTS.incrementAndGet() + ":").build();
  }

  @Nested
  class Protocol extends SignalingServerTest {
    @Override
    SignalingConfig adapt(SignalingConfig config) {
      return onRedis(config);
    }
  }

  @Nested
  class Restart extends RestartServerTest {
    @Override
    SignalingConfig adapt(SignalingConfig config) {
      return onRedis(config);
    }
  }

  @Nested
  class RestartRefusal extends RestartRefusalServerTest {
    @Override
    SignalingConfig adapt(SignalingConfig config) {
      return onRedis(config);
    }
  }

  @Nested
  class JoinFlow extends JoinFlowServerTest {
    @Override
    SignalingConfig adapt(SignalingConfig config) {
      return onRedis(config);
    }
  }
}

package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;

/** Placeholder. */
final class RedisStore {
  private RedisStore() {}

  static Store connect(SignalingConfig config, Store.Listener listener) {
    throw new UnsupportedOperationException("redis");
  }
}

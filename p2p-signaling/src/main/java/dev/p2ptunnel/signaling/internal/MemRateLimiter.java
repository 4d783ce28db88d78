package dev.p2ptunnel.signaling.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per key (a client address, a network prefix, a session): {@code perMinute} requests in a burst,
 * refilled evenly over a minute. Owned by the {@link MemoryStore}'s state thread; {@link #purge} forgets buckets that
 * are full again, so that idle keys cost nothing, and at most {@code maxKeys} are held.
 */
final class MemRateLimiter {
  private static final long MINUTE_NS = 60_000_000_000L;

  private final String what;
  private final String preposition;
  private final int perMinute;
  private final int maxKeys;
  private final Map<String, Bucket> buckets = new HashMap<>();

  private static final class Bucket {
    double tokens;
    long updatedNs;
  }

  /** @param preposition between {@code what} and the key in messages: "from" an address, "to" a session */
  MemRateLimiter(String what, String preposition, int perMinute, int maxKeys) {
    this.what = what;
    this.preposition = preposition;
    this.perMinute = perMinute;
    this.maxKeys = maxKeys;
  }

  /**
   * Takes one token for {@code key}.
   *
   * @throws ApiError 429 rate_limited with Retry-After when the key has none left
   */
  void acquire(String key, long nowNs) {
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      if (buckets.size() >= maxKeys) {
        purge(nowNs);
        if (buckets.size() >= maxKeys) {
          throw Errors.tooManyKeys(what);
        }
      }
      bucket = new Bucket();
      bucket.tokens = perMinute;
      bucket.updatedNs = nowNs;
      buckets.put(key, bucket);
    }
    refill(bucket, nowNs);
    if (bucket.tokens < 1) {
      long waitNs = (long) ((1 - bucket.tokens) * MINUTE_NS / perMinute);
      throw Errors.rateLimited(what, preposition, key, perMinute, (waitNs + 999_999) / 1_000_000);
    }
    bucket.tokens -= 1;
  }

  private void refill(Bucket bucket, long nowNs) {
    double gained = (double) (nowNs - bucket.updatedNs) * perMinute / MINUTE_NS;
    bucket.tokens = Math.min(perMinute, bucket.tokens + gained);
    bucket.updatedNs = nowNs;
  }

  /** Forgets keys whose bucket is full again. */
  void purge(long nowNs) {
    buckets.values().removeIf(bucket -> {
      refill(bucket, nowNs);
      return bucket.tokens >= perMinute;
    });
  }
}

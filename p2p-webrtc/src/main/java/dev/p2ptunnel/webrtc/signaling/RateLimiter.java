package dev.p2ptunnel.webrtc.signaling;

import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per client IP address: {@code perMinute} requests in a burst, refilled evenly over a minute.
 * Owned by the server's state thread; {@link #purge} forgets buckets that are full again, so that idle addresses
 * cost nothing.
 */
final class RateLimiter {
  private static final long MINUTE_NS = 60_000_000_000L;

  private final String what;
  private final String preposition;
  private final int perMinute;
  private final int maxAddresses;
  private final Map<String, Bucket> buckets = new HashMap<>();

  private static final class Bucket {
    double tokens;
    long updatedNs;
  }

  RateLimiter(String what, int perMinute, int maxAddresses) {
    this(what, "from", perMinute, maxAddresses);
  }

  /** @param preposition between {@code what} and the key in messages: "from" an address, "to" a session */
  RateLimiter(String what, String preposition, int perMinute, int maxAddresses) {
    this.what = what;
    this.preposition = preposition;
    this.perMinute = perMinute;
    this.maxAddresses = maxAddresses;
  }

  /**
   * Takes one token for {@code address}.
   *
   * @throws ApiError 429 rate_limited with Retry-After when the address has none left
   */
  void acquire(String address, long nowNs) {
    Bucket bucket = buckets.get(address);
    if (bucket == null) {
      if (buckets.size() >= maxAddresses) {
        purge(nowNs);
        if (buckets.size() >= maxAddresses) {
          throw ApiError.tooMany("rate_limited", "too many " + what + " from too many addresses; try again later",
              60);
        }
      }
      bucket = new Bucket();
      bucket.tokens = perMinute;
      bucket.updatedNs = nowNs;
      buckets.put(address, bucket);
    }
    refill(bucket, nowNs);
    if (bucket.tokens < 1) {
      long waitNs = (long) ((1 - bucket.tokens) * MINUTE_NS / perMinute);
      long seconds = (waitNs + 999_999_999L) / 1_000_000_000L;
      throw ApiError.tooMany("rate_limited", "too many " + what + " " + preposition + " " + address + ": at most " + perMinute
          + " a minute; retry after " + Math.max(1, seconds) + " s", seconds);
    }
    bucket.tokens -= 1;
  }

  private void refill(Bucket bucket, long nowNs) {
    double gained = (double) (nowNs - bucket.updatedNs) * perMinute / MINUTE_NS;
    bucket.tokens = Math.min(perMinute, bucket.tokens + gained);
    bucket.updatedNs = nowNs;
  }

  /** Forgets addresses whose bucket is full again. */
  void purge(long nowNs) {
    buckets.values().removeIf(bucket -> {
      refill(bucket, nowNs);
      return bucket.tokens >= perMinute;
    });
  }
}

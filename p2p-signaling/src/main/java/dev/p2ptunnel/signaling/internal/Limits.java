package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.api.JsonBodies;
import dev.p2ptunnel.signaling.api.SessionIds;
import java.time.Duration;

/** Derived limits and the success bodies both stores send the same way. Stateless. */
final class Limits {
  /** At the session cap, how many of the oldest sessions are looked at for an idle one to evict. */
  static final int EVICTION_SCAN = 64;
  /** Parked host polls per session per instance (a host normally has one). */
  static final int MAX_HOST_POLLS = 4;
  /** Parked result polls per join request per instance (a client normally has one). */
  static final int MAX_CLIENT_POLLS = 2;
  /**
   * ICE restart offers one join may send a minute (token bucket, burst the same): a client restarts every 5 s while
   * its path is down (12 a minute), so this leaves room for a changing network and stops a loop.
   */
  static final int RESTARTS_PER_MINUTE = 30;

  private Limits() {}

  /** Two poll waits and a margin (10 s, or one more wait if shorter) without a host request: the host is gone. */
  static Duration hostSilence(Duration maxPollWait) {
    return maxPollWait.multipliedBy(2).plus(maxPollWait.compareTo(Duration.ofSeconds(10)) < 0 ? maxPollWait
        : Duration.ofSeconds(10));
  }

  static Reply created(String id, String secret, int maxClients, SignalingConfig config) {
    return Reply.of(201, JsonBodies.object().put("sessionId", SessionIds.display(id)).put("hostSecret", secret)
        .put("maxClients", maxClients).put("sessionTtlSeconds", config.sessionTtl().toSeconds())
        .put("joinTtlSeconds", config.joinTtl().toSeconds()));
  }

  static Reply joined(String joinId, String id, SignalingConfig config) {
    return Reply.of(202, JsonBodies.object().put("joinId", joinId).put("sessionId", SessionIds.display(id))
        .put("joinTtlSeconds", config.joinTtl().toSeconds()));
  }
}

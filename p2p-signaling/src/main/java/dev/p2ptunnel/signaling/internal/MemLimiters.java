package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;

/**
 * The in-memory store's rate limits, one {@link MemRateLimiter} per rule of the configuration: session creations per
 * address and per network prefix, join requests per address and per session, ICE restarts per join request. Owned by
 * the {@link MemoryStore}'s state thread, like the rules that call it.
 */
final class MemLimiters {
  final MemRateLimiter creates;
  final MemRateLimiter prefixCreates;
  final MemRateLimiter joins;
  final MemRateLimiter sessionJoins;
  final MemRateLimiter restarts;

  MemLimiters(SignalingConfig config) {
    creates = new MemRateLimiter("session creations", "from", config.createsPerMinute(), config.maxSessions());
    prefixCreates = new MemRateLimiter("session creations", "from network", config.createsPerMinutePerPrefix(),
        config.maxSessions());
    joins = new MemRateLimiter("join requests", "from", config.joinsPerMinute(), config.maxSessions());
    sessionJoins = new MemRateLimiter("join requests", "to session", config.joinsPerSessionPerMinute(),
        config.maxSessions());
    restarts = new MemRateLimiter("ICE restarts", "of join request", Limits.RESTARTS_PER_MINUTE,
        config.maxSessions());
  }

  /** Forgets the buckets that are full again ({@link MemRateLimiter#purge}). */
  void purge(long nowNs) {
    creates.purge(nowNs);
    prefixCreates.purge(nowNs);
    joins.purge(nowNs);
    restarts.purge(nowNs);
    sessionJoins.purge(nowNs);
  }
}

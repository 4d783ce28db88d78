package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.api.ErrorCode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory store's ended sessions: canonical ID → why it ended and when, oldest first, so that a late request
 * hears 410 and the reason (closed, evicted, expired, replaced) rather than 404. At most {@code maxSessions} are
 * kept; each is forgotten {@link MemoryStore#GONE_RETENTION_NS} after it ended. Owned by the {@link MemoryStore}'s
 * state thread.
 */
final class EndedSessions {
  private final int maxSessions;
  private final LinkedHashMap<String, Ended> ended = new LinkedHashMap<>();

  private record Ended(ErrorCode code, long atNs) {}

  EndedSessions(int maxSessions) {
    this.maxSessions = maxSessions;
  }

  /** Remembers that session {@code id} ended for {@code code}, forgetting the oldest beyond the limit. */
  void add(String id, ErrorCode code, long nowNs) {
    ended.put(id, new Ended(code, nowNs));
    if (ended.size() > maxSessions) {
      Iterator<String> eldest = ended.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /** Why session {@code id} ended, or null if it did not (or was forgotten). */
  @Nullable ErrorCode why(String id) {
    Ended e = ended.get(id);
    return e == null ? null : e.code();
  }

  boolean contains(String id) {
    return ended.containsKey(id);
  }

  /** Forgets session {@code id} (its ID is claimed again). */
  void remove(String id) {
    ended.remove(id);
  }

  /** Forgets the sessions that ended longer than {@link MemoryStore#GONE_RETENTION_NS} ago. */
  void purge(long nowNs) {
    ended.values().removeIf(e -> nowNs - e.atNs() > MemoryStore.GONE_RETENTION_NS);
  }
}

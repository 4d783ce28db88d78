package dev.p2ptunnel.webrtc.signaling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One host's session: its secret, its join requests in arrival order, the events its host has not necessarily read
 * yet, its parked polls. Owned by the state thread.
 */
final class Session {
  /** Finished joins kept for their clients to read, beyond the live ones. */
  static final int FINISHED_JOINS_KEPT = 32;
  /** Undecided join requests a session holds at once; one more gets 429. */
  static final int MAX_UNDECIDED = 16;
  /** Undecided join requests from one address in one session. */
  static final int MAX_UNDECIDED_PER_ADDRESS = 2;
  /** Parked host polls per session (a host normally has one). */
  static final int MAX_HOST_POLLS = 4;
  /** Parked result polls per join request (a client normally has one). */
  static final int MAX_CLIENT_POLLS = 2;

  /** What the host learns through its event feed. */
  enum EventType { JOIN, REVEAL, WITHDRAWN }

  /** One entry of the host's feed. */
  record Event(long seq, EventType type, Join join) {}

  final String id;
  final String displayId;
  private final byte[] secret;
  final int maxClients;
  long lastHostNs;
  private long lastSeq;
  final Map<String, Join> joins = new LinkedHashMap<>();
  final ArrayDeque<Event> events = new ArrayDeque<>();
  final List<Waiter> hostWaiters = new ArrayList<>(1);

  Session(String id, String secret, int maxClients, long nowNs) {
    this.id = id;
    this.displayId = Ids.display(id);
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.maxClients = maxClients;
    this.lastHostNs = nowNs;
  }

  /** Whether {@code offered} is this session's host secret (compared in constant time). */
  boolean isSecret(String offered) {
    return MessageDigest.isEqual(secret, offered.getBytes(StandardCharsets.UTF_8));
  }

  /** Appends an event for the host; returns it. */
  Event event(EventType type, Join join) {
    Event event = new Event(++lastSeq, type, join);
    events.add(event);
    return event;
  }

  long nextSeq() {
    return lastSeq + 1;
  }

  int slotsInUse() {
    int used = 0;
    for (Join join : joins.values()) {
      if (join.holdsSlot()) {
        used++;
      }
    }
    return used;
  }

  int undecided(@Nullable String address) {
    int count = 0;
    for (Join join : joins.values()) {
      if (join.state.undecided() && (address == null || address.equals(join.clientAddress))) {
        count++;
      }
    }
    return count;
  }

  /**
   * Events numbered above {@code after} that still matter to the host, oldest first: joins and reveals while the
   * join is undecided, withdrawals while the join is remembered.
   */
  List<Event> eventsAfter(long after) {
    List<Event> news = new ArrayList<>();
    for (Event event : events) {
      Join join = event.join();
      boolean live = joins.get(join.id) == join
          && (event.type() == EventType.WITHDRAWN || join.state.undecided());
      if (event.seq() > after && live) {
        news.add(event);
      }
    }
    return news;
  }

  /** Forgets events of joins that are gone. */
  void pruneEvents() {
    events.removeIf(event -> joins.get(event.join().id) != event.join());
  }

  /** The oldest finished join, to make room; null if none. */
  @Nullable Join oldestFinished() {
    for (Join join : joins.values()) {
      if (join.finished()) {
        return join;
      }
    }
    return null;
  }

  /** Rejects {@code secret} unless it is this session's host secret. */
  void authorize(@Nullable String offered) {
    if (offered == null) {
      throw new ApiError(403, "forbidden", "this needs the session's host secret: send Authorization: Bearer "
          + "<hostSecret> (session " + displayId + ")");
    }
    if (!isSecret(offered)) {
      throw new ApiError(403, "forbidden", "wrong host secret for session " + displayId);
    }
  }
}

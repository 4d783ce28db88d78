package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.api.SessionIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One host's session in memory: a hash of its secret, its join requests in arrival order, the events its host has
 * not necessarily read yet. Owned by the {@link MemoryStore}'s state thread.
 */
final class MemSession {
  /** Finished joins kept for their clients to read, beyond the live ones. */
  static final int FINISHED_JOINS_KEPT = 32;
  /** Undecided join requests a session holds at once; one more gets 429. */
  static final int MAX_UNDECIDED = 16;
  /** Undecided join requests from one address in one session. */
  static final int MAX_UNDECIDED_PER_ADDRESS = 2;

  /** What the host learns through its event feed. */
  enum EventType { JOIN, REVEAL, WITHDRAWN, RESTART }

  /** One entry of the host's feed ({@code restart}: the ICE restart's number, for RESTART). */
  record Event(long seq, EventType type, MemJoin join, long restart) {}

  final String id;
  private final byte[] secretHash;
  /** The hash of the secret of the session this one replaced (same claimed ID), or null. */
  final byte @Nullable [] replacedSecretHash;
  final int maxClients;
  final long createdNs;
  long lastHostNs;
  /** Until then a host poll waits here: the session does not expire and its host counts as present. */
  long hostBusyUntilNs;
  /** Whether a client ever posted a join request (sessions that never saw one live shorter). */
  boolean sawClient;
  private long lastSeq;
  final Map<String, MemJoin> joins = new LinkedHashMap<>();
  final ArrayDeque<Event> events = new ArrayDeque<>();

  MemSession(String id, String secret, byte @Nullable [] replacedSecretHash, int maxClients, long nowNs) {
    this.id = id;
    this.secretHash = SessionIds.sha256(secret);
    this.replacedSecretHash = replacedSecretHash;
    this.maxClients = maxClients;
    this.createdNs = nowNs;
    this.lastHostNs = nowNs;
  }

  byte[] secretHash() {
    return secretHash.clone();
  }

  /** Rejects {@code offered} unless it is this session's host secret (compared in constant time). */
  void authorize(@Nullable String offered) {
    if (offered == null) {
      throw Errors.noSecret(id);
    }
    byte[] hash = SessionIds.sha256(offered);
    if (!MessageDigest.isEqual(secretHash, hash)) {
      if (replacedSecretHash != null && MessageDigest.isEqual(replacedSecretHash, hash)) {
        throw Errors.replaced(id);
      }
      throw Errors.wrongSecret(id);
    }
  }

  /** Appends an event for the host. */
  void event(EventType type, MemJoin join) {
    events.add(new Event(++lastSeq, type, join, 0));
  }

  /** Appends the ICE restart offer {@code restart} of {@code join}; it replaces that join's earlier ones. */
  void restartEvent(MemJoin join, long restart) {
    events.removeIf(e -> e.join() == join && e.type() == EventType.RESTART);
    events.add(new Event(++lastSeq, EventType.RESTART, join, restart));
  }

  long nextSeq() {
    return lastSeq + 1;
  }

  int slotsInUse() {
    int used = 0;
    for (MemJoin join : joins.values()) {
      if (join.holdsSlot()) {
        used++;
      }
    }
    return used;
  }

  int undecided(@Nullable String address) {
    int count = 0;
    for (MemJoin join : joins.values()) {
      if (join.state.undecided() && (address == null || address.equals(join.clientAddress))) {
        count++;
      }
    }
    return count;
  }

  /** Whether nothing is in progress: no undecided join and no connected client (so it may be evicted). */
  boolean idle() {
    return undecided(null) == 0 && slotsInUse() == 0;
  }

  /**
   * Events numbered above {@code after} that still matter to the host, oldest first: joins and reveals while the
   * join is undecided, withdrawals while the join is remembered, an approved join's latest ICE restart offer until
   * the host answered it.
   */
  List<Views.Event> eventsAfter(long after) {
    List<Views.Event> news = new ArrayList<>();
    for (Event event : events) {
      MemJoin join = event.join();
      boolean live = joins.get(join.id) == join && switch (event.type()) {
        case WITHDRAWN -> true;
        case RESTART -> (join.state == dev.p2ptunnel.signaling.api.JoinStatus.APPROVED
            || join.state == dev.p2ptunnel.signaling.api.JoinStatus.LEFT) && event.restart() == join.restart && join.restartAnswered < join.restart && join.restartOffer != null;
        default -> join.state.undecided();
      };
      if (event.seq() > after && live) {
        news.add(switch (event.type()) {
          case JOIN -> Views.Event.join(event.seq(), join.id, join.clientName, join.clientAddress,
              String.valueOf(join.offer), join.commitment);
          case REVEAL -> Views.Event.reveal(event.seq(), join.id, String.valueOf(join.revealNonce),
              join.revealCertificate, join.revealProof);
          case WITHDRAWN -> Views.Event.withdrawn(event.seq(), join.id, String.valueOf(join.result));
          case RESTART -> Views.Event.restart(event.seq(), join.id, event.restart(), String.valueOf(join.restartOffer));
        });
      }
    }
    return news;
  }

  /** Forgets events of joins that are gone. */
  void pruneEvents() {
    events.removeIf(event -> joins.get(event.join().id) != event.join());
  }

  /** The oldest finished join, to make room; null if none. */
  @Nullable MemJoin oldestFinished() {
    for (MemJoin join : joins.values()) {
      if (join.state.finished()) {
        return join;
      }
    }
    return null;
  }
}

package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JoinStatus;
import dev.p2ptunnel.signaling.api.JsonBodies;
import dev.p2ptunnel.signaling.api.SessionIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The rules of the in-memory store (docs/SIGNALING.md): sessions, joins, limits, expiry and eviction. Owned by the
 * {@link MemoryStore}'s state thread: every method runs there, so nothing is locked.
 */
final class MemoryRules {
  private final SignalingConfig config;
  private final Store.Listener listener;
  /** Live sessions, oldest first (creation order: eviction takes the oldest idle one). */
  private final LinkedHashMap<String, MemSession> sessions = new LinkedHashMap<>();
  private final EndedSessions ended;
  private final MemLimiters limits;
  private final long hostSilenceNs;
  private final long sessionTtlNs;
  private final long unjoinedTtlNs;
  private final long joinTtlNs;
  private long storedChars;

  MemoryRules(SignalingConfig config, Store.Listener listener) {
    this.config = config;
    this.listener = listener;
    this.ended = new EndedSessions(config.maxSessions());
    this.limits = new MemLimiters(config);
    this.hostSilenceNs = Limits.hostSilence(config.maxPollWait()).toNanos();
    this.sessionTtlNs = config.sessionTtl().toNanos();
    this.unjoinedTtlNs = Math.min(config.unjoinedSessionTtl().toNanos(), sessionTtlNs);
    this.joinTtlNs = config.joinTtl().toNanos();
  }

  int liveSessions() {
    return sessions.size();
  }

  Reply create(Store.Client client, int maxClients, @Nullable String claim, long nowNs) {
    limits.creates.acquire(client.address(), nowNs);
    limits.prefixCreates.acquire(client.prefix(), nowNs);
    MemSession old = null;
    if (claim != null) {
      old = sessions.get(SessionIds.fromClaim(claim));
      if (old != null) {
        end(old, ErrorCode.SESSION_REPLACED, nowNs);
      }
      ended.remove(SessionIds.fromClaim(claim));
    }
    if (sessions.size() >= config.maxSessions()) {
      sweep(nowNs);
      if (sessions.size() >= config.maxSessions()) {
        evictOne(nowNs);
      }
    }
    String id;
    if (claim != null) {
      id = SessionIds.fromClaim(claim);
    } else {
      do {
        id = SessionIds.newSessionId();
      } while (sessions.containsKey(id) || ended.contains(id));
    }
    String secret = SessionIds.newHostSecret();
    sessions.put(id, new MemSession(id, secret, old == null ? null : old.secretHash(), maxClients, nowNs));
    return Limits.created(id, secret, maxClients, config);
  }

  /** Ends the oldest idle session among the 64 oldest, or refuses. */
  private void evictOne(long nowNs) {
    int looked = 0;
    for (MemSession session : sessions.values()) {
      if (session.idle()) {
        end(session, ErrorCode.SESSION_EVICTED, nowNs);
        return;
      }
      if (++looked == Limits.EVICTION_SCAN) {
        break;
      }
    }
    throw Errors.tooManySessions(config.maxSessions(), Math.max(1, config.joinTtl().toSeconds() / 10));
  }

  Reply delete(String id, @Nullable String secret, long nowNs) {
    MemSession session = live(id, nowNs);
    session.authorize(secret);
    end(session, ErrorCode.SESSION_CLOSED, nowNs);
    return Reply.of(200, JsonBodies.object().put("sessionId", SessionIds.display(id))
        .put("status", "closed"));
  }

  Read hostEvents(String id, @Nullable String secret, long after, long holdMs, long nowNs) {
    MemSession session = hostCall(id, secret, nowNs);
    session.hostBusyUntilNs = Math.max(session.hostBusyUntilNs, nowNs + TimeUnit.MILLISECONDS.toNanos(holdMs));
    List<Views.Event> events = session.eventsAfter(after);
    return new Read(Views.events(events), events.size(), null);
  }

  Read joinStatus(String id, String joinId, long nowNs) {
    MemSession session = live(id, nowNs);
    prune(session, nowNs);
    MemJoin join = join(session, joinId);
    if (join.state == JoinStatus.EXPIRED) {
      return new Read(Errors.joinExpired(join.id, joinTtlNs).reply(), 0, JoinStatus.EXPIRED);
    }
    return new Read(Views.result(join.view()), 0, join.state, join.restart, join.restartAnswered);
  }

  Reply join(Store.Client client, String id, String clientName, String offer, @Nullable String commitment,
      long nowNs) {
    limits.joins.acquire(client.address(), nowNs);
    MemSession session = live(id, nowNs);
    limits.sessionJoins.acquire(SessionIds.display(id), nowNs);
    prune(session, nowNs);
    if (session.slotsInUse() >= session.maxClients) {
      throw Errors.sessionFull(session.maxClients);
    }
    if (nowNs > session.hostBusyUntilNs && nowNs - session.lastHostNs > hostSilenceNs) {
      throw Errors.hostNotAnswering(id, nowNs - session.lastHostNs);
    }
    if (session.undecided(client.address()) >= MemSession.MAX_UNDECIDED_PER_ADDRESS) {
      throw Errors.tooManyJoinsFrom(id, MemSession.MAX_UNDECIDED_PER_ADDRESS, client.address());
    }
    if (session.undecided(null) >= MemSession.MAX_UNDECIDED) {
      throw Errors.tooManyJoins(id, MemSession.MAX_UNDECIDED);
    }
    MemJoin join = new MemJoin(SessionIds.newJoinId(), clientName, client.address(), offer, commitment, nowNs);
    if (storedChars + join.storedChars() > config.maxStoredChars()) {
      throw Errors.serverFull(Math.max(1, config.joinTtl().toSeconds()));
    }
    if (session.joins.size() >= session.maxClients + MemSession.MAX_UNDECIDED + MemSession.FINISHED_JOINS_KEPT) {
      MemJoin oldest = session.oldestFinished();
      if (oldest != null) {
        drop(session, oldest);
      }
    }
    session.joins.put(join.id, join);
    session.sawClient = true;
    storedChars += join.storedChars();
    session.event(MemSession.EventType.JOIN, join);
    listener.changed(id, null);
    return Limits.joined(join.id, id, config);
  }

  Reply challenge(String id, @Nullable String secret, String joinId, String fingerprint, String nonce,
      long nowNs) {
    MemSession session = hostCall(id, secret, nowNs);
    MemJoin join = join(session, joinId);
    requireState(join, JoinStatus.PENDING, "challenged");
    if (join.commitment == null) {
      throw Errors.notPaired(join.id);
    }
    join.challengeFingerprint = fingerprint;
    join.challengeNonce = nonce;
    join.state = JoinStatus.CHALLENGED;
    listener.changed(id, null);
    return Views.status(join.id, join.state);
  }

  Reply reveal(String id, String joinId, String nonce, @Nullable String certificate, @Nullable String proof,
      long nowNs) {
    MemSession session = live(id, nowNs);
    prune(session, nowNs);
    MemJoin join = join(session, joinId);
    requireState(join, JoinStatus.CHALLENGED, "revealed");
    storedChars -= join.storedChars();
    join.revealNonce = nonce;
    join.revealCertificate = certificate;
    join.revealProof = proof;
    storedChars += join.storedChars();
    join.state = JoinStatus.REVEALED;
    session.event(MemSession.EventType.REVEAL, join);
    listener.changed(id, null);
    return Views.status(join.id, join.state);
  }

  Reply decide(String id, @Nullable String secret, String joinId, boolean approve, String result,
      @Nullable String hostNonce, long nowNs) {
    MemSession session = hostCall(id, secret, nowNs);
    MemJoin join = join(session, joinId);
    if (!approve && join.state == JoinStatus.LEFT) {
      // The host no longer keeps this client (its grace period ended): its ICE restarts end here, and a client
      // waiting for a restart's answer hears it at once and rejoins. (An approved join's decision stays final.)
      finish(join, JoinStatus.REJECTED, result, nowNs);
      listener.changed(id, null);
      return Views.status(join.id, join.state);
    }
    if (!join.state.undecided()) {
      throw finished(join);
    }
    if (approve && join.state == JoinStatus.CHALLENGED) {
      throw Errors.notRevealed(join.id);
    }
    if (approve && session.slotsInUse() >= session.maxClients) {
      throw Errors.fullOnApprove(id, session.maxClients);
    }
    finish(join, approve ? JoinStatus.APPROVED : JoinStatus.REJECTED, result, nowNs);
    join.hostNonce = approve ? hostNonce : null;
    listener.changed(id, null);
    return Views.status(join.id, join.state);
  }

  Reply withdraw(String id, String joinId, String reason, long nowNs) {
    MemSession session = live(id, nowNs);
    prune(session, nowNs);
    MemJoin join = join(session, joinId);
    if (join.state.finished()) {
      throw finished(join);
    }
    boolean wasApproved = join.state == JoinStatus.APPROVED;
    finish(join, wasApproved ? JoinStatus.LEFT : JoinStatus.WITHDRAWN, reason, nowNs);
    if (!wasApproved) {
      session.event(MemSession.EventType.WITHDRAWN, join);
    }
    listener.changed(id, null);
    return Views.status(join.id, join.state);
  }

  /** The client of an approved join sends an ICE restart offer (its join ID is its authority). */
  Reply restart(String id, String joinId, String offer, long nowNs) {
    MemSession session = live(id, nowNs);
    prune(session, nowNs);
    MemJoin join = join(session, joinId);
    requireRestartable(join, "restarted");
    limits.restarts.acquire(joinId, nowNs);
    long before = join.storedChars();
    String previous = join.restartOffer;
    join.restartOffer = offer;
    if (storedChars - before + join.storedChars() > config.maxStoredChars()) {
      join.restartOffer = previous;
      throw Errors.serverFull(Math.max(1, config.joinTtl().toSeconds()));
    }
    storedChars += join.storedChars() - before;
    join.restart++;
    session.restartEvent(join, join.restart);
    listener.changed(id, null);
    return Views.restarted(202, join.id, join.state, join.restart);
  }

  /**
   * ICE restarts need an approved join, or one whose place the host freed (left) while its client may still come back
   * on the same connection; it is forgotten joinTtl after that.
   */
  private void requireRestartable(MemJoin join, String verb) {
    if (join.state != JoinStatus.LEFT) {
      requireState(join, JoinStatus.APPROVED, verb);
    }
  }

  /** The host answers its client's latest ICE restart offer. */
  Reply restartAnswer(String id, @Nullable String secret, String joinId, long restart, String answer, long nowNs) {
    MemSession session = hostCall(id, secret, nowNs);
    MemJoin join = join(session, joinId);
    requireRestartable(join, "answered for an ICE restart");
    if (restart != join.restart || join.restartAnswered >= restart) {
      throw Errors.staleRestart(join.id, restart, join.restart, join.restartAnswered);
    }
    storedChars -= join.storedChars();
    join.restartOffer = null;
    join.restartAnswer = answer;
    join.restartAnswered = restart;
    storedChars += join.storedChars();
    listener.changed(id, null);
    return Views.restarted(200, join.id, join.state, restart);
  }

  Reply leave(String id, @Nullable String secret, String joinId, String reason, long nowNs) {
    MemSession session = hostCall(id, secret, nowNs);
    MemJoin join = join(session, joinId);
    requireState(join, JoinStatus.APPROVED, "left");
    finish(join, JoinStatus.LEFT, reason, nowNs);
    listener.changed(id, null);
    return Views.status(join.id, join.state);
  }

  private MemSession hostCall(String id, @Nullable String secret, long nowNs) {
    MemSession session = live(id, nowNs);
    session.authorize(secret);
    session.lastHostNs = nowNs;
    prune(session, nowNs);
    return session;
  }

  private void requireState(MemJoin join, JoinStatus expected, String verb) {
    if (join.state == JoinStatus.EXPIRED) {
      throw Errors.joinExpired(join.id, joinTtlNs);
    }
    if (join.state != expected) {
      throw Errors.wrongState(join.id, join.state, verb, expected);
    }
  }

  private ApiError finished(MemJoin join) {
    return join.state == JoinStatus.EXPIRED ? Errors.joinExpired(join.id, joinTtlNs)
        : Errors.alreadyAnswered(join.id, join.state);
  }

  private void finish(MemJoin join, JoinStatus state, String result, long nowNs) {
    storedChars -= join.storedChars();
    join.offer = null;
    join.revealCertificate = null;
    join.revealProof = null;
    if (state != JoinStatus.LEFT) {
      join.restartOffer = null;
      join.restartAnswer = null;
    }
    join.result = result;
    join.state = state;
    join.endedNs = nowNs;
    storedChars += join.storedChars();
  }

  /** Ends expired sessions and join requests and forgets what no one can ask about any more. */
  void sweep(long nowNs) {
    for (MemSession session : new ArrayList<>(sessions.values())) {
      if (isExpired(session, nowNs)) {
        end(session, ErrorCode.SESSION_EXPIRED, nowNs);
      } else {
        prune(session, nowNs);
      }
    }
    ended.purge(nowNs);
    limits.purge(nowNs);
  }

  private MemSession live(String id, long nowNs) {
    MemSession session = sessions.get(id);
    if (session != null && isExpired(session, nowNs)) {
      end(session, ErrorCode.SESSION_EXPIRED, nowNs);
      session = null;
    }
    if (session == null) {
      ErrorCode why = ended.why(id);
      if (why != null) {
        throw Errors.ended(id, why, sessionTtlNs, config.maxSessions());
      }
      throw Errors.sessionNotFound(id);
    }
    return session;
  }

  private boolean isExpired(MemSession session, long nowNs) {
    long ttl = session.sawClient ? sessionTtlNs : unjoinedTtlNs;
    return nowNs > session.hostBusyUntilNs && nowNs - session.lastHostNs > ttl;
  }

  private void end(MemSession session, ErrorCode code, long nowNs) {
    sessions.remove(session.id);
    ended.add(session.id, code, nowNs);
    for (MemJoin join : new ArrayList<>(session.joins.values())) {
      drop(session, join);
    }
    long ttl = session.sawClient ? sessionTtlNs : unjoinedTtlNs;
    listener.changed(session.id, Errors.ended(session.id, code, ttl, config.maxSessions()).reply());
  }

  /** Expires pending joins past their TTL (their clients learn it) and forgets finished ones past it. */
  private void prune(MemSession session, long nowNs) {
    boolean changed = false;
    for (MemJoin join : new ArrayList<>(session.joins.values())) {
      if (join.state.undecided() && nowNs - join.createdNs > joinTtlNs) {
        finish(join, JoinStatus.EXPIRED, "expired", nowNs);
        changed = true;
      } else if (join.state.finished() && nowNs - join.endedNs > joinTtlNs) {
        drop(session, join);
      }
    }
    if (changed) {
      listener.changed(session.id, null);
    }
  }

  private void drop(MemSession session, MemJoin join) {
    session.joins.remove(join.id);
    storedChars -= join.storedChars();
    session.pruneEvents();
  }

  private MemJoin join(MemSession session, String joinId) {
    MemJoin join = session.joins.get(joinId);
    if (join == null) {
      throw Errors.joinNotFound(session.id, joinId, joinTtlNs);
    }
    return join;
  }

  Map<String, MemSession> sessionsForTest() {
    return sessions;
  }
}

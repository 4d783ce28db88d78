package dev.p2ptunnel.webrtc.signaling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Every session, join request and parked poll of one server, and the rules between them. Owned by the server's
 * single state thread: every method runs there (asserted), so nothing here is locked. Methods either return the
 * reply, park the request (no thread waits; a timeout is scheduled on the state thread), or throw {@link ApiError}.
 */
final class Registry {
  /** How long an ended session is remembered, so that its ID gets 410 (ended) rather than 404 (unknown). */
  static final long GONE_RETENTION_NS = TimeUnit.MINUTES.toNanos(10);

  private final SignalingServer.Config config;
  private final ScheduledExecutorService loop;
  private final Ids ids = new Ids();
  private final Map<String, Session> sessions = new HashMap<>();
  /** Ended sessions: canonical ID → why and when, oldest first; at most maxSessions entries. */
  private final LinkedHashMap<String, Ended> ended = new LinkedHashMap<>();
  private final RateLimiter creates;
  private final RateLimiter joinLimiter;
  private final RateLimiter sessionJoins;
  private final long hostSilenceNs;
  private final long sessionTtlNs;
  private final long joinTtlNs;
  private int parked;
  private long storedChars;
  private volatile @Nullable Thread owner;

  private record Ended(String code, String why, long atNs) {}

  Registry(SignalingServer.Config config, ScheduledExecutorService loop) {
    this.config = config;
    this.loop = loop;
    this.creates = new RateLimiter("session creations", config.createsPerMinute(), config.maxSessions());
    this.joinLimiter = new RateLimiter("join requests", config.joinsPerMinute(), config.maxSessions());
    this.sessionJoins = new RateLimiter("join requests", "to session", config.joinsPerSessionPerMinute(),
        config.maxSessions());
    // Two poll waits and a margin (10 s, or one more wait if shorter) without a host request: the host is gone.
    Duration wait = config.maxPollWait();
    this.hostSilenceNs = wait.multipliedBy(2).plus(wait.compareTo(Duration.ofSeconds(10)) < 0 ? wait
        : Duration.ofSeconds(10)).toNanos();
    this.sessionTtlNs = config.sessionTtl().toNanos();
    this.joinTtlNs = config.joinTtl().toNanos();
  }

  /** Called once on the state thread before anything else. */
  void bindOwner() {
    owner = Thread.currentThread();
  }

  private boolean inLoop() {
    return Thread.currentThread() == owner;
  }

  int parkedPolls() {
    assert inLoop();
    return parked;
  }

  int liveSessions() {
    assert inLoop();
    return sessions.size();
  }

  /** A new session; with a {@code claim}, the one whose ID derives from it (replacing a live one of that ID). */
  Reply create(String address, int maxClients, @Nullable String claim, long nowNs) {
    assert inLoop();
    creates.acquire(address, nowNs);
    if (claim != null) {
      String claimed = Ids.sessionIdFromClaim(claim);
      Session old = sessions.get(claimed);
      if (old != null) {
        end(old, "session_replaced", "session " + old.displayId + " was opened again by its host", nowNs);
      }
      ended.remove(claimed);
    }
    if (sessions.size() >= config.maxSessions()) {
      sweep(nowNs);
      if (sessions.size() >= config.maxSessions()) {
        throw ApiError.tooMany("too_many_sessions", "the server holds its limit of " + config.maxSessions()
            + " sessions; try again later", Math.max(1, config.sessionTtl().toSeconds() / 10));
      }
    }
    String id;
    if (claim != null) {
      id = Ids.sessionIdFromClaim(claim);
    } else {
      do {
        id = ids.newSessionId();
      } while (sessions.containsKey(id) || ended.containsKey(id));
    }
    String secret = ids.newHostSecret();
    Session session = new Session(id, secret, maxClients, nowNs);
    sessions.put(id, session);
    return Reply.of(201, Json.object().put("sessionId", session.displayId).put("hostSecret", secret)
        .put("maxClients", maxClients).put("sessionTtlSeconds", config.sessionTtl().toSeconds())
        .put("joinTtlSeconds", config.joinTtl().toSeconds()));
  }

  Reply delete(String id, @Nullable String secret, long nowNs) {
    assert inLoop();
    Session session = live(id, nowNs);
    session.authorize(secret);
    end(session, "session_closed", "session " + session.displayId + " was closed by its host", nowNs);
    return Reply.of(200, Json.object().put("sessionId", session.displayId).put("status", "closed"));
  }

  /** The host's long-poll for events numbered above {@code after}. */
  void hostPoll(String id, @Nullable String secret, long after, long waitNs, Responder responder, long nowNs) {
    assert inLoop();
    Session session = live(id, nowNs);
    session.authorize(secret);
    session.lastHostNs = nowNs;
    prune(session, nowNs);
    List<Session.Event> ready = session.eventsAfter(after);
    if (!ready.isEmpty() || waitNs == 0) {
      responder.send(Views.events(ready));
      return;
    }
    if (session.hostWaiters.size() >= Session.MAX_HOST_POLLS) {
      throw ApiError.tooMany("too_many_polls", "session " + session.displayId + " already has "
          + Session.MAX_HOST_POLLS + " host polls waiting", 1);
    }
    Waiter waiter = park(responder, after, null);
    session.hostWaiters.add(waiter);
    waiter.timeout = loop.schedule(() -> {
      if (session.hostWaiters.remove(waiter)) {
        parked--;
        session.lastHostNs = System.nanoTime();
        waiter.finish(Views.events(List.of()));
      }
    }, waitNs, TimeUnit.NANOSECONDS);
  }

  Reply join(String address, String id, String clientName, String offer, @Nullable String commitment, long nowNs) {
    assert inLoop();
    joinLimiter.acquire(address, nowNs);
    Session session = live(id, nowNs);
    sessionJoins.acquire(session.displayId, nowNs);
    prune(session, nowNs);
    if (session.slotsInUse() >= session.maxClients) {
      throw new ApiError(409, "session_full", session.maxClients == 1 ? BUSY
          : "the host is busy: it takes " + session.maxClients + " clients and has them all");
    }
    if (session.hostWaiters.isEmpty() && nowNs - session.lastHostNs > hostSilenceNs) {
      throw new ApiError(409, "host_not_answering", "the host of session " + session.displayId + " is not "
          + "answering: it last asked for join requests " + seconds(nowNs - session.lastHostNs) + " ago");
    }
    if (session.undecided(address) >= Session.MAX_UNDECIDED_PER_ADDRESS) {
      throw ApiError.tooMany("too_many_joins", "session " + session.displayId + " already has "
          + Session.MAX_UNDECIDED_PER_ADDRESS + " join requests from " + address + " waiting for the host", 30);
    }
    if (session.undecided(null) >= Session.MAX_UNDECIDED) {
      throw ApiError.tooMany("too_many_joins", "session " + session.displayId + " already has "
          + Session.MAX_UNDECIDED + " join requests waiting for the host; try again later", 30);
    }
    Join join = new Join(ids.newJoinId(), session.nextSeq(), clientName, address, offer, commitment, nowNs);
    if (storedChars + join.storedChars() > config.maxStoredChars()) {
      throw ApiError.tooMany("server_full", "the server holds as many join requests as it can; try again later",
          Math.max(1, config.joinTtl().toSeconds()));
    }
    if (session.joins.size() >= session.maxClients + Session.MAX_UNDECIDED + Session.FINISHED_JOINS_KEPT) {
      Join oldest = session.oldestFinished();
      if (oldest != null) {
        drop(session, oldest);
      }
    }
    session.joins.put(join.id, join);
    storedChars += join.storedChars();
    news(session, Session.EventType.JOIN, join);
    return Reply.of(202, Json.object().put("joinId", join.id).put("sessionId", session.displayId)
        .put("joinTtlSeconds", config.joinTtl().toSeconds()));
  }

  /** The client's long-poll: answers once its join's status differs from {@code since} (or after the wait). */
  void clientPoll(String id, String joinId, Join.State since, long waitNs, Responder responder, long nowNs) {
    assert inLoop();
    Session session = live(id, nowNs);
    prune(session, nowNs);
    Join join = join(session, joinId);
    if (join.state != since || waitNs == 0) {
      responder.send(result(join));
      return;
    }
    if (join.waiters.size() >= Session.MAX_CLIENT_POLLS) {
      throw ApiError.tooMany("too_many_polls", "join request " + join.id + " already has "
          + Session.MAX_CLIENT_POLLS + " polls waiting", 1);
    }
    Waiter waiter = park(responder, 0, since);
    join.waiters.add(waiter);
    waiter.timeout = loop.schedule(() -> {
      if (join.waiters.remove(waiter)) {
        parked--;
        waiter.finish(result(join));
      }
    }, waitNs, TimeUnit.NANOSECONDS);
  }

  /** The host's first-stage reply to a join with a commitment. */
  Reply challenge(String id, @Nullable String secret, String joinId, String fingerprint, String nonce, long nowNs) {
    Session session = hostCall(id, secret, nowNs);
    Join join = join(session, joinId);
    requireState(join, Join.State.PENDING, "challenged");
    if (join.commitment == null) {
      throw new ApiError(409, "not_paired", "join request " + join.id + " carries no commitment: approve or reject "
          + "it (expected: a challenge only for joins with a commitment)");
    }
    join.challengeFingerprint = fingerprint;
    join.challengeNonce = nonce;
    moveTo(join, Join.State.CHALLENGED);
    return status(join);
  }

  /** The client's reveal (its join ID is the capability). */
  Reply reveal(String id, String joinId, String nonce, @Nullable String certificate, @Nullable String proof,
      long nowNs) {
    assert inLoop();
    Session session = live(id, nowNs);
    prune(session, nowNs);
    Join join = join(session, joinId);
    requireState(join, Join.State.CHALLENGED, "revealed");
    storedChars -= join.storedChars();
    join.revealNonce = nonce;
    join.revealCertificate = certificate;
    join.revealProof = proof;
    storedChars += join.storedChars();
    moveTo(join, Join.State.REVEALED);
    news(session, Session.EventType.REVEAL, join);
    return status(join);
  }

  /** Approves ({@code approve}, result = answer SDP) or rejects (result = reason) an undecided join request. */
  Reply decide(String id, @Nullable String secret, String joinId, boolean approve, String result,
      @Nullable String hostNonce, long nowNs) {
    Session session = hostCall(id, secret, nowNs);
    Join join = join(session, joinId);
    if (!join.state.undecided()) {
      throw finished(join);
    }
    if (approve && join.state == Join.State.CHALLENGED) {
      throw new ApiError(409, "not_revealed", "join request " + join.id + " was challenged and its client has not "
          + "revealed its nonce yet (expected: approve after the reveal event)");
    }
    if (approve && session.slotsInUse() >= session.maxClients) {
      throw new ApiError(409, "session_full", "session " + session.displayId + " has all its " + session.maxClients
          + " clients (expected: a leave before approving another)");
    }
    finish(join, approve ? Join.State.APPROVED : Join.State.REJECTED, result, nowNs);
    join.hostNonce = approve ? hostNonce : null;
    wake(join);
    return status(join);
  }

  /** The client withdraws its join (or leaves before connecting); the host hears of it. */
  Reply withdraw(String id, String joinId, String reason, long nowNs) {
    assert inLoop();
    Session session = live(id, nowNs);
    prune(session, nowNs);
    Join join = join(session, joinId);
    if (join.finished()) {
      throw finished(join);
    }
    boolean wasApproved = join.state == Join.State.APPROVED;
    finish(join, wasApproved ? Join.State.LEFT : Join.State.WITHDRAWN, reason, nowNs);
    wake(join);
    if (!wasApproved) {
      news(session, Session.EventType.WITHDRAWN, join);
    }
    return status(join);
  }

  /** The host says an approved client left: its slot is free at once. */
  Reply leave(String id, @Nullable String secret, String joinId, String reason, long nowNs) {
    Session session = hostCall(id, secret, nowNs);
    Join join = join(session, joinId);
    requireState(join, Join.State.APPROVED, "left");
    finish(join, Join.State.LEFT, reason, nowNs);
    wake(join);
    return status(join);
  }

  private Session hostCall(String id, @Nullable String secret, long nowNs) {
    assert inLoop();
    Session session = live(id, nowNs);
    session.authorize(secret);
    session.lastHostNs = nowNs;
    prune(session, nowNs);
    return session;
  }

  private void requireState(Join join, Join.State expected, String verb) {
    if (join.state == Join.State.EXPIRED) {
      throw expired(join);
    }
    if (join.state != expected) {
      throw new ApiError(409, "wrong_state", "join request " + join.id + " is " + Ids.lower(join.state.name())
          + "; it can be " + verb + " only when " + Ids.lower(expected.name()));
    }
  }

  private ApiError finished(Join join) {
    if (join.state == Join.State.EXPIRED) {
      return expired(join);
    }
    return new ApiError(409, "already_answered", "join request " + join.id + " was already "
        + Ids.lower(join.state.name()) + "; a join request is answered once");
  }

  private void moveTo(Join join, Join.State state) {
    join.state = state;
    wake(join);
  }

  private void finish(Join join, Join.State state, String result, long nowNs) {
    storedChars -= join.storedChars();
    join.offer = null;
    join.revealCertificate = null;
    join.revealProof = null;
    join.result = result;
    join.state = state;
    join.endedNs = nowNs;
    storedChars += join.storedChars();
  }

  /** Appends a host event and answers the host's parked polls. */
  private void news(Session session, Session.EventType type, Join join) {
    session.event(type, join);
    List<Waiter> hosts = new ArrayList<>(session.hostWaiters);
    session.hostWaiters.clear();
    for (Waiter host : hosts) {
      parked--;
      host.finish(Views.events(session.eventsAfter(host.after)));
    }
  }

  private static Reply status(Join join) {
    return Reply.of(200, Json.object().put("joinId", join.id).put("status", Ids.lower(join.state.name())));
  }

  /** Ends expired sessions and join requests and forgets what no one can ask about any more. */
  void sweep(long nowNs) {
    assert inLoop();
    for (Session session : new ArrayList<>(sessions.values())) {
      if (isExpired(session, nowNs)) {
        endExpired(session, nowNs);
      } else {
        prune(session, nowNs);
      }
    }
    ended.values().removeIf(e -> nowNs - e.atNs() > GONE_RETENTION_NS);
    creates.purge(nowNs);
    joinLimiter.purge(nowNs);
    sessionJoins.purge(nowNs);
  }

  /** Answers every parked poll (the server is stopping); they get nothing more. */
  void closeAll() {
    assert inLoop();
    for (Session session : sessions.values()) {
      session.hostWaiters.forEach(w -> w.finish(gone("server_closing", "the signaling server is shutting down")));
      session.joins.values().forEach(j ->
          j.waiters.forEach(w -> w.finish(gone("server_closing", "the signaling server is shutting down"))));
    }
    sessions.clear();
  }

  private Session live(String id, long nowNs) {
    Session session = sessions.get(id);
    if (session != null && isExpired(session, nowNs)) {
      endExpired(session, nowNs);
      session = null;
    }
    if (session == null) {
      Ended e = ended.get(id);
      if (e != null) {
        throw new ApiError(410, e.code(), e.why());
      }
      throw new ApiError(404, "session_not_found", "no session " + Ids.display(id)
          + " on this server (check the Session ID)");
    }
    return session;
  }

  private boolean isExpired(Session session, long nowNs) {
    return session.hostWaiters.isEmpty() && nowNs - session.lastHostNs > sessionTtlNs;
  }

  private void endExpired(Session session, long nowNs) {
    end(session, "session_expired", "session " + session.displayId + " expired: its host was silent for more than "
        + seconds(sessionTtlNs), nowNs);
  }

  private void end(Session session, String code, String why, long nowNs) {
    sessions.remove(session.id);
    ended.put(session.id, new Ended(code, why, nowNs));
    if (ended.size() > config.maxSessions()) {
      Iterator<String> eldest = ended.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    Reply reply = gone(code, why);
    for (Waiter waiter : session.hostWaiters) {
      parked--;
      waiter.finish(reply);
    }
    session.hostWaiters.clear();
    for (Join join : new ArrayList<>(session.joins.values())) {
      drop(session, join);
      for (Waiter waiter : join.waiters) {
        parked--;
        waiter.finish(reply);
      }
      join.waiters.clear();
    }
  }

  /** Expires pending joins past their TTL (their clients learn it) and forgets finished ones past it. */
  private void prune(Session session, long nowNs) {
    for (Join join : new ArrayList<>(session.joins.values())) {
      if (join.state.undecided() && nowNs - join.createdNs > joinTtlNs) {
        finish(join, Join.State.EXPIRED, "expired", nowNs);
        wake(join);
      } else if (join.finished() && nowNs - join.endedNs > joinTtlNs) {
        drop(session, join);
      }
    }
  }

  private void drop(Session session, Join join) {
    session.joins.remove(join.id);
    storedChars -= join.storedChars();
    session.pruneEvents();
  }

  /** Answers the client's parked polls that waited for a change from the join's old status. */
  private void wake(Join join) {
    for (Waiter waiter : new ArrayList<>(join.waiters)) {
      if (waiter.since != join.state) {
        join.waiters.remove(waiter);
        parked--;
        waiter.finish(result(join));
      }
    }
  }

  private Waiter park(Responder responder, long after, Join.@Nullable State since) {
    if (parked >= config.maxParkedPolls()) {
      throw ApiError.tooMany("too_many_polls", "the server holds its limit of " + config.maxParkedPolls()
          + " waiting polls; try again later", 1);
    }
    parked++;
    return new Waiter(responder, after, since);
  }

  private Join join(Session session, String joinId) {
    Join join = session.joins.get(joinId);
    if (join == null) {
      throw new ApiError(404, "join_not_found", "no join request " + (Ids.isJoinId(joinId) ? joinId
          : Ids.quote(joinId)) + " in session " + session.displayId + " (unknown, or answered over "
          + seconds(joinTtlNs) + " ago)");
    }
    return join;
  }

  /** What a client of a one-client session is told when that client is connected. */
  static final String BUSY = "the host is busy with another client";

  private Reply result(Join join) {
    return join.state == Join.State.EXPIRED ? expired(join).reply() : Views.result(join);
  }

  private ApiError expired(Join join) {
    return new ApiError(410, "join_expired", "join request " + join.id + " expired: the host did not answer within "
        + seconds(joinTtlNs));
  }

  private static Reply gone(String code, String why) {
    return Reply.error(410, code, why, Map.of());
  }

  private static String seconds(long ns) {
    long ms = TimeUnit.NANOSECONDS.toMillis(ns);
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}

package dev.p2ptunnel.webrtc.signaling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  Reply create(String address, int maxClients, long nowNs) {
    assert inLoop();
    creates.acquire(address, nowNs);
    if (sessions.size() >= config.maxSessions()) {
      sweep(nowNs);
      if (sessions.size() >= config.maxSessions()) {
        throw ApiError.tooMany("too_many_sessions", "the server holds its limit of " + config.maxSessions()
            + " sessions; try again later", Math.max(1, config.sessionTtl().toSeconds() / 10));
      }
    }
    String id;
    do {
      id = ids.newSessionId();
    } while (sessions.containsKey(id) || ended.containsKey(id));
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

  /** The host's long-poll for join requests numbered above {@code after}. */
  void hostPoll(String id, @Nullable String secret, long after, long waitNs, Responder responder, long nowNs) {
    assert inLoop();
    Session session = live(id, nowNs);
    session.authorize(secret);
    session.lastHostNs = nowNs;
    prune(session, nowNs);
    List<Join> ready = session.pendingAfter(after);
    if (!ready.isEmpty() || waitNs == 0) {
      responder.send(joinsReply(ready));
      return;
    }
    if (session.hostWaiters.size() >= Session.MAX_HOST_POLLS) {
      throw ApiError.tooMany("too_many_polls", "session " + session.displayId + " already has "
          + Session.MAX_HOST_POLLS + " host polls waiting", 1);
    }
    Waiter waiter = park(responder, after);
    session.hostWaiters.add(waiter);
    waiter.timeout = loop.schedule(() -> {
      if (session.hostWaiters.remove(waiter)) {
        parked--;
        session.lastHostNs = System.nanoTime();
        waiter.finish(joinsReply(List.of()));
      }
    }, waitNs, TimeUnit.NANOSECONDS);
  }

  Reply join(String address, String id, String clientName, String offer, long nowNs) {
    assert inLoop();
    joinLimiter.acquire(address, nowNs);
    Session session = live(id, nowNs);
    prune(session, nowNs);
    if (session.slotsInUse() >= session.maxClients) {
      throw new ApiError(409, "session_full", session.maxClients == 1
          ? "session " + session.displayId + " already has a client; ask the host for a new session"
          : "session " + session.displayId + " is full: it takes " + session.maxClients + " clients");
    }
    Join join = new Join(ids.newJoinId(), session.nextSeq(), clientName, offer, nowNs);
    if (storedChars + join.storedChars() > config.maxStoredChars()) {
      throw ApiError.tooMany("server_full", "the server holds as many join requests as it can; try again later",
          Math.max(1, config.joinTtl().toSeconds()));
    }
    if (session.joins.size() >= session.maxClients + Session.FINISHED_JOINS_KEPT) {
      Join oldest = session.oldestFinished();
      if (oldest != null) {
        drop(session, oldest);
      }
    }
    session.joins.put(join.id, join);
    storedChars += join.storedChars();
    List<Waiter> hosts = new ArrayList<>(session.hostWaiters);
    session.hostWaiters.clear();
    for (Waiter host : hosts) {
      parked--;
      host.finish(joinsReply(session.pendingAfter(host.after)));
    }
    return Reply.of(202, Json.object().put("joinId", join.id).put("sessionId", session.displayId)
        .put("joinTtlSeconds", config.joinTtl().toSeconds()));
  }

  /** The client's long-poll for the host's decision on its join request. */
  void clientPoll(String id, String joinId, long waitNs, Responder responder, long nowNs) {
    assert inLoop();
    Session session = live(id, nowNs);
    prune(session, nowNs);
    Join join = join(session, joinId);
    if (join.state != Join.State.PENDING || waitNs == 0) {
      responder.send(result(session, join));
      return;
    }
    if (join.waiters.size() >= Session.MAX_CLIENT_POLLS) {
      throw ApiError.tooMany("too_many_polls", "join request " + join.id + " already has "
          + Session.MAX_CLIENT_POLLS + " polls waiting", 1);
    }
    Waiter waiter = park(responder, 0);
    join.waiters.add(waiter);
    waiter.timeout = loop.schedule(() -> {
      if (join.waiters.remove(waiter)) {
        parked--;
        waiter.finish(result(session, join));
      }
    }, waitNs, TimeUnit.NANOSECONDS);
  }

  /** Approves ({@code approve}, result = answer SDP) or rejects (result = reason) a pending join request. */
  Reply decide(String id, @Nullable String secret, String joinId, boolean approve, String result, long nowNs) {
    assert inLoop();
    Session session = live(id, nowNs);
    session.authorize(secret);
    session.lastHostNs = nowNs;
    prune(session, nowNs);
    Join join = join(session, joinId);
    if (join.state == Join.State.APPROVED || join.state == Join.State.REJECTED) {
      throw new ApiError(409, "already_answered", "join request " + join.id + " was already "
          + Ids.lower(join.state.name()) + "; a join request is answered once");
    }
    if (join.state == Join.State.EXPIRED) {
      throw expired(join);
    }
    storedChars -= join.storedChars();
    join.offer = null;
    join.result = result;
    join.state = approve ? Join.State.APPROVED : Join.State.REJECTED;
    join.endedNs = nowNs;
    storedChars += join.storedChars();
    wake(session, join);
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
      if (join.state == Join.State.PENDING && nowNs - join.createdNs > joinTtlNs) {
        storedChars -= join.storedChars();
        join.state = Join.State.EXPIRED;
        join.offer = null;
        join.endedNs = nowNs;
        storedChars += join.storedChars();
        wake(session, join);
      } else if (join.state != Join.State.PENDING && nowNs - join.endedNs > joinTtlNs) {
        drop(session, join);
      }
    }
  }

  private void drop(Session session, Join join) {
    session.joins.remove(join.id);
    storedChars -= join.storedChars();
  }

  private void wake(Session session, Join join) {
    for (Waiter waiter : join.waiters) {
      parked--;
      waiter.finish(result(session, join));
    }
    join.waiters.clear();
  }

  private Waiter park(Responder responder, long after) {
    if (parked >= config.maxParkedPolls()) {
      throw ApiError.tooMany("too_many_polls", "the server holds its limit of " + config.maxParkedPolls()
          + " waiting polls; try again later", 1);
    }
    parked++;
    return new Waiter(responder, after);
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

  private Reply result(Session session, Join join) {
    ObjectNode body = Json.object().put("joinId", join.id).put("status", Ids.lower(join.state.name()));
    return switch (join.state) {
      case PENDING -> Reply.of(200, body);
      case APPROVED -> Reply.of(200, body.put("answer", join.result));
      case REJECTED -> Reply.of(200, body.put("reason", join.result));
      case EXPIRED -> expired(join).reply();
    };
  }

  private ApiError expired(Join join) {
    return new ApiError(410, "join_expired", "join request " + join.id + " expired: the host did not answer within "
        + seconds(joinTtlNs));
  }

  private static Reply joinsReply(List<Join> joins) {
    ObjectNode body = Json.object();
    ArrayNode array = body.putArray("joins");
    for (Join join : joins) {
      array.addObject().put("seq", join.seq).put("joinId", join.id).put("clientName", join.clientName)
          .put("offer", join.offer);
    }
    return Reply.of(200, body);
  }

  private static Reply gone(String code, String why) {
    return Reply.error(410, code, why, Map.of());
  }

  private static String seconds(long ns) {
    long ms = TimeUnit.NANOSECONDS.toMillis(ns);
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}

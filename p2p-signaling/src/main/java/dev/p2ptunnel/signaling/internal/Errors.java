package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JoinStatus;
import dev.p2ptunnel.signaling.api.SessionIds;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The refusals of the protocol with their exact messages, shared by both stores (docs/SIGNALING.md). Stateless. */
final class Errors {
  /** What a client of a one-client session is told when that client is connected. */
  static final String BUSY = "the host is busy with another client";

  private Errors() {}

  static ApiError sessionNotFound(String id) {
    return new ApiError(ErrorCode.SESSION_NOT_FOUND, "no session " + SessionIds.display(id)
        + " on this server (check the Session ID)");
  }

  static ApiError noSecret(String id) {
    return new ApiError(ErrorCode.FORBIDDEN, "this needs the session's host secret: send Authorization: Bearer "
        + "<hostSecret> (session " + SessionIds.display(id) + ")");
  }

  static ApiError wrongSecret(String id) {
    return new ApiError(ErrorCode.FORBIDDEN, "wrong host secret for session " + SessionIds.display(id));
  }

  static ApiError expired(String id, long ttlNs) {
    return new ApiError(ErrorCode.SESSION_EXPIRED, "session " + SessionIds.display(id) + " expired: its host was "
        + "silent for more than " + seconds(ttlNs));
  }

  static ApiError closed(String id) {
    return new ApiError(ErrorCode.SESSION_CLOSED, "session " + SessionIds.display(id) + " was closed by its host");
  }

  static ApiError replaced(String id) {
    return new ApiError(ErrorCode.SESSION_REPLACED, "session " + SessionIds.display(id)
        + " was opened again by its host");
  }

  static ApiError evicted(String id, int maxSessions) {
    return new ApiError(ErrorCode.SESSION_EVICTED, "session " + SessionIds.display(id) + " was closed to make room: "
        + "the server holds its limit of " + maxSessions + " sessions and this one had no join request in progress "
        + "(open a new session)");
  }

  /** The 410 of an ended session by its code (as remembered for ten minutes). */
  static ApiError ended(String id, ErrorCode code, long ttlNs, int maxSessions) {
    return switch (code) {
      case SESSION_CLOSED -> closed(id);
      case SESSION_REPLACED -> replaced(id);
      case SESSION_EVICTED -> evicted(id, maxSessions);
      default -> expired(id, ttlNs);
    };
  }

  static ApiError tooManySessions(int maxSessions, long retrySeconds) {
    return ApiError.retryAfter(ErrorCode.TOO_MANY_SESSIONS, "the server holds its limit of " + maxSessions
        + " sessions, each with a join request in progress; try again later", retrySeconds);
  }

  static ApiError sessionFull(int maxClients) {
    return new ApiError(ErrorCode.SESSION_FULL, maxClients == 1 ? BUSY
        : "the host is busy: it takes " + maxClients + " clients and has them all");
  }

  static ApiError fullOnApprove(String id, int maxClients) {
    return new ApiError(ErrorCode.SESSION_FULL, "session " + SessionIds.display(id) + " has all its " + maxClients
        + " clients (expected: a leave before approving another)");
  }

  static ApiError hostNotAnswering(String id, long silentNs) {
    return new ApiError(ErrorCode.HOST_NOT_ANSWERING, "the host of session " + SessionIds.display(id) + " is not "
        + "answering: it last asked for join requests " + seconds(silentNs) + " ago");
  }

  static ApiError tooManyJoinsFrom(String id, int max, String address) {
    return ApiError.retryAfter(ErrorCode.TOO_MANY_JOINS, "session " + SessionIds.display(id) + " already has " + max
        + " join requests from " + address + " waiting for the host", 30);
  }

  static ApiError tooManyJoins(String id, int max) {
    return ApiError.retryAfter(ErrorCode.TOO_MANY_JOINS, "session " + SessionIds.display(id) + " already has " + max
        + " join requests waiting for the host; try again later", 30);
  }

  static ApiError serverFull(long retrySeconds) {
    return ApiError.retryAfter(ErrorCode.SERVER_FULL, "the server holds as many join requests as it can; try again "
        + "later", retrySeconds);
  }

  static ApiError joinNotFound(String id, String joinId, long joinTtlNs) {
    return new ApiError(ErrorCode.JOIN_NOT_FOUND, "no join request " + (SessionIds.isJoinId(joinId) ? joinId
        : SessionIds.quote(joinId)) + " in session " + SessionIds.display(id) + " (unknown, or answered over "
        + seconds(joinTtlNs) + " ago)");
  }

  static ApiError joinExpired(String joinId, long joinTtlNs) {
    return new ApiError(ErrorCode.JOIN_EXPIRED, "join request " + joinId + " expired: the host did not answer within "
        + seconds(joinTtlNs));
  }

  static ApiError wrongState(String joinId, JoinStatus state, String verb, JoinStatus expected) {
    return new ApiError(ErrorCode.WRONG_STATE, "join request " + joinId + " is " + state.wire() + "; it can be "
        + verb + " only when " + expected.wire());
  }

  /** A host's answer to an ICE restart that is not the join's latest unanswered one. */
  static ApiError staleRestart(String joinId, long restart, long latest, long answered) {
    String why = restart > latest ? "join request " + joinId + " has no ICE restart " + restart + " (its latest is "
        + latest + ")"
        : restart < latest ? "ICE restart " + restart + " of join request " + joinId + " was superseded by restart "
            + latest
        : "ICE restart " + restart + " of join request " + joinId + " was already answered";
    return new ApiError(ErrorCode.WRONG_STATE, why + " (expected: an answer to the latest restart, once)");
  }

  static ApiError alreadyAnswered(String joinId, JoinStatus state) {
    return new ApiError(ErrorCode.ALREADY_ANSWERED, "join request " + joinId + " was already " + state.wire()
        + "; a join request is answered once");
  }

  static ApiError notPaired(String joinId) {
    return new ApiError(ErrorCode.NOT_PAIRED, "join request " + joinId + " carries no commitment: approve or reject "
        + "it (expected: a challenge only for joins with a commitment)");
  }

  static ApiError notRevealed(String joinId) {
    return new ApiError(ErrorCode.NOT_REVEALED, "join request " + joinId + " was challenged and its client has not "
        + "revealed its nonce yet (expected: approve after the reveal event)");
  }

  /** A token bucket ran dry: {@code too many WHAT PREPOSITION KEY: at most N a minute; retry after S s}. */
  static ApiError rateLimited(String what, String preposition, String key, int perMinute, long waitMs) {
    long seconds = Math.max(1, (waitMs + 999) / 1000);
    return ApiError.retryAfter(ErrorCode.RATE_LIMITED, "too many " + what + " " + preposition + " " + key
        + ": at most " + perMinute + " a minute; retry after " + seconds + " s", seconds);
  }

  static ApiError tooManyKeys(String what) {
    return ApiError.retryAfter(ErrorCode.RATE_LIMITED, "too many " + what + " from too many addresses; try again "
        + "later", 60);
  }

  static ApiError tooManyPolls(String message) {
    return ApiError.retryAfter(ErrorCode.TOO_MANY_POLLS, message, 1);
  }

  static Reply closing() {
    return Reply.error(ErrorCode.SERVER_CLOSING, "this signaling server instance is shutting down; try again "
        + "(another instance, or this one after its restart)", Map.of("Retry-After", "1", "Connection", "close"));
  }

  /** {@code 300 ms}, {@code 60 s}. */
  static String seconds(long ns) {
    long ms = TimeUnit.NANOSECONDS.toMillis(ns);
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}

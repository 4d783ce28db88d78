package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JoinStatus;
import dev.p2ptunnel.signaling.api.SessionIds;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What the Redis store's Lua scripts ({@link RedisScripts}) answer, read into the protocol: a script's
 * {@code {'E', code, …}} becomes the refusal the memory store would give for the same step ({@link Errors}), word
 * for word; the lists of the events and status scripts become {@link Read}s; and a Redis failure becomes a 503 (or
 * a 429 when Redis is out of memory). Immutable and thread-safe.
 */
final class RedisAnswers {
  private final SignalingConfig config;

  RedisAnswers(SignalingConfig config) {
    this.config = config;
  }

  /** The refusal for a session that ended ({@code code}: why; {@code ttlMs}: how long the server remembers it). */
  ApiError ended(String id, String code, String ttlMs) {
    ErrorCode error = ErrorCode.of(code);
    long ttlNs = TimeUnit.MILLISECONDS.toNanos(parse(ttlMs));
    return Errors.ended(id, error == null ? ErrorCode.SESSION_EXPIRED : error, ttlNs, config.maxSessions());
  }

  /** A failed Redis call: out of memory is a full server (429), anything else the store unavailable (503). */
  RuntimeException unavailable(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof RedisCommandExecutionException && String.valueOf(e.getMessage()).startsWith("OOM")) {
      return Errors.serverFull(Math.max(1, config.joinTtl().toSeconds()));
    }
    if (e instanceof RuntimeException runtime && !(e instanceof RedisException)) {
      return runtime;
    }
    return new StoreUnavailableException("Redis: " + e.getMessage(), e);
  }

  /**
   * The refusal a script's {@code {'E', code, …}} answer stands for, in session {@code id}.
   *
   * @throws Collision for a new random Session ID that met one in use
   */
  ApiError refusal(String id, List<Object> list) {
    String code = str(list, 1);
    long joinTtlNs = config.joinTtl().toNanos();
    return switch (code) {
      case "session_not_found" -> Errors.sessionNotFound(id);
      case "ended" -> {
        String[] parts = str(list, 2).split("\\|");
        yield ended(id, parts[0], parts.length > 1 ? parts[1] : "0");
      }
      case "wrong_secret" -> Errors.wrongSecret(id);
      case "rate" -> Errors.rateLimited(str(list, 2), str(list, 3), str(list, 4).isEmpty() ? SessionIds.display(id)
          : str(list, 4), (int) parse(str(list, 5)), parse(str(list, 6)));
      case "too_many_sessions" -> Errors.tooManySessions(config.maxSessions(),
          Math.max(1, config.joinTtl().toSeconds() / 10));
      case "session_full" -> Errors.sessionFull((int) parse(str(list, 2)));
      case "full_on_approve" -> Errors.fullOnApprove(id, (int) parse(str(list, 2)));
      case "host_not_answering" -> Errors.hostNotAnswering(id, TimeUnit.MILLISECONDS.toNanos(parse(str(list, 2))));
      case "too_many_joins_from" -> Errors.tooManyJoinsFrom(id, (int) parse(str(list, 2)), str(list, 3));
      case "too_many_joins" -> Errors.tooManyJoins(id, (int) parse(str(list, 2)));
      case "join_not_found" -> Errors.joinNotFound(id, str(list, 2), joinTtlNs);
      case "join_expired" -> Errors.joinExpired(str(list, 2), joinTtlNs);
      case "wrong_state" -> Errors.wrongState(str(list, 2), status(str(list, 3)), str(list, 4), status(str(list, 5)));
      case "already_answered" -> Errors.alreadyAnswered(str(list, 2), status(str(list, 3)));
      case "not_paired" -> Errors.notPaired(str(list, 2));
      case "not_revealed" -> Errors.notRevealed(str(list, 2));
      case "stale_restart" -> Errors.staleRestart(str(list, 2), parse(str(list, 3)), parse(str(list, 4)),
          parse(str(list, 5)));
      case "collision" -> throw new Collision();
      default -> throw new IllegalStateException("the Redis store answered an unknown refusal: " + list);
    };
  }

  /** The events script's answer: {@code OK}, then one list per event. */
  static Read events(List<Object> list) {
    List<Views.Event> events = new ArrayList<>();
    for (int i = 1; i < list.size(); i++) {
      @SuppressWarnings("unchecked")
      List<Object> e = (List<Object>) list.get(i);
      long seq = parse(str(e, 0));
      String joinId = str(e, 2);
      events.add(switch (str(e, 1)) {
        case "join" -> Views.Event.join(seq, joinId, str(e, 3), str(e, 4), str(e, 5), orNull(str(e, 6)));
        case "reveal" -> Views.Event.reveal(seq, joinId, str(e, 7), orNull(str(e, 8)), orNull(str(e, 9)));
        case "restart" -> Views.Event.restart(seq, joinId, parse(str(e, 11)), str(e, 5));
        default -> Views.Event.withdrawn(seq, joinId, str(e, 10));
      });
    }
    return new Read(Views.events(events), events.size(), null);
  }

  /** The status script's answer for join {@code joinId}. */
  static Read joinStatus(String joinId, List<Object> list) {
    JoinStatus status = status(str(list, 1));
    long restart = parse(str(list, 6));
    long answered = parse(str(list, 7));
    Views.Join view = new Views.Join(joinId, status, orNull(str(list, 2)), orNull(str(list, 3)),
        orNull(str(list, 4)), orNull(str(list, 5)), restart, answered, orNull(str(list, 8)));
    return new Read(Views.result(view), 0, status, restart, answered);
  }

  static JoinStatus status(String wire) {
    JoinStatus status = JoinStatus.of(wire);
    if (status == null) {
      throw new IllegalStateException("the Redis store holds an unknown join state: " + wire);
    }
    return status;
  }

  static String str(List<Object> list, int index) {
    Object value = index < list.size() ? list.get(index) : null;
    return value == null ? "" : value.toString();
  }

  static long parse(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static @Nullable String orNull(String text) {
    return text.isEmpty() ? null : text;
  }

  /** Whether {@code error} is (or wraps) a {@link Collision}. */
  static boolean isCollision(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return e instanceof Collision;
  }

  /** A new random Session ID met one in use (or recently ended): the creation draws another. */
  static final class Collision extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Collision() {
      super("Session ID in use", null, false, false);
    }
  }
}

package dev.p2ptunnel.rendezvous.internal;

import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * ICE restarts of answered joins on the client's side (docs/SIGNALING.md, "ICE restart through rendezvous"): each
 * restart gets the join's next number and is sent under the join's key, repeated every {@link #REPEAT_MS} on every
 * broker up until the host answers or refuses it, for at most {@link #TIMEOUT}; the brokers are connected again on
 * demand and kept {@link ClientEngine#RESTART_LINGER} after the last restart. A join whose restarts the host refused as
 * final, or forgot, or did not answer for {@link #BUDGET}, takes no more: the restart fails with
 * {@link JoinRejectedException} and the client rejoins. Everything runs on the loop thread of {@link ClientEngine}.
 */
final class ClientRestarts {
  /** Between two sends of the same restart: public brokers drop messages, and a broker may be reconnecting. */
  static final long REPEAT_MS = 2_000;
  /** One restart without a reply fails after this (the client's next restart follows). */
  static final Duration TIMEOUT = Duration.ofSeconds(12);
  /** Restarts of one join not answered for this long (no answer, whatever else came): the join takes no more. */
  static final Duration BUDGET = Duration.ofMinutes(2);

  private final ClientEngine engine;
  /** Joins with a restart in flight, by join id. */
  private final Map<String, ClientJoinState> restarting = new HashMap<>();

  ClientRestarts(ClientEngine engine) {
    this.engine = engine;
  }

  /** The join with a restart in flight under {@code id}, or null. */
  @Nullable ClientJoinState restarting(String id) {
    return restarting.get(id);
  }

  /** Whether no restart is in flight. */
  boolean idle() {
    return restarting.isEmpty();
  }

  void start(ClientJoinState join, SessionDescription offer, CompletableFuture<SessionDescription> result) {
    if (engine.isClosed()) {
      result.completeExceptionally(Endpoint.closed());
      return;
    }
    if (!join.restartable()) {
      result.completeExceptionally(join.restartsEnded
          ? new JoinRejectedException("ICE restart: this join takes no more restarts; rejoin")
          : new WebRtcException("ICE restart: the host did not say it carries restarts of this join (an older "
              + "host, or not answered yet); rejoin instead"));
      return;
    }
    long now = System.nanoTime();
    if (join.unansweredSinceNs != 0 && now - join.unansweredSinceNs > BUDGET.toNanos()) {
      join.restartsEnded = true;
      String why = "the host answered no ICE restart of join " + join.id.substring(0, 8) + "… for "
          + BUDGET.toMinutes() + " min";
      log(join, join.restartNumber + 1, "not offered: " + why + "; rejoining");
      result.completeExceptionally(new JoinRejectedException(why));
      return;
    }
    CompletableFuture<SessionDescription> previous = join.restart;
    long number = ++join.restartNumber;
    if (previous != null) {
      previous.completeExceptionally(new WebRtcException("ICE restart " + (number - 1) + " superseded by restart "
          + number));
    }
    join.restart = result;
    join.restartMessage = Body.encode(Body.Type.RESTART, Body.u64(number), offer.sdp());
    if (join.unansweredSinceNs == 0) {
      join.unansweredSinceNs = now;
    }
    restarting.put(join.id, join);
    engine.ensureLinks();
    java.util.List<String> up = engine.connectedBrokers();
    log(join, number, "offered to the host through " + (up.isEmpty() ? "the brokers (connecting: "
        + engine.settings.brokerList() + ")" : String.join(", ", up)));
    send(join);
    join.restartRepeat = engine.loop.scheduleWithFixedDelay(() -> engine.onLoop(() -> send(join)), REPEAT_MS,
        REPEAT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    join.restartDeadline = engine.schedule(() -> timedOut(join, number), TIMEOUT.toMillis());
    result.whenComplete((answer, error) -> engine.onLoop(() -> ended(join, number, error)));
  }

  /** A broker came up: the restarts in flight go out there now. */
  void linkUp() {
    restarting.values().forEach(this::send);
  }

  private void send(ClientJoinState join) {
    SessionSecrets s = engine.secrets;
    SessionSecrets.JoinKeys keys = join.keys;
    byte[] message = join.restartMessage;
    if (s != null && keys != null && message != null && join.restart != null) {
      engine.send(s.toHostTopic(), keys.of(Direction.CLIENT_TO_HOST), Envelope.KEY_JOIN, join.joinId, message);
    }
  }

  /** A message of the host for a join with a restart in flight (authentic, new, host to client). */
  void received(ClientJoinState join, Body body) {
    CompletableFuture<SessionDescription> result = join.restart;
    switch (body.type()) {
      case RESTART_ANSWER, RESTART_REFUSED -> {
        long number = body.number(0);
        if (result == null || number != join.restartNumber) {
          engine.discard("join " + join.id.substring(0, 8) + "…: a " + body.type() + " of ICE restart " + number
              + ", not of the latest restart " + join.restartNumber + " (stale)");
          return;
        }
        if (body.type() == Body.Type.RESTART_ANSWER) {
          join.unansweredSinceNs = 0;
          try {
            result.complete(new SessionDescription(SessionDescription.Type.ANSWER, body.text(1)));
          } catch (IllegalArgumentException e) {
            result.completeExceptionally(new WebRtcException("the host's ICE restart answer is malformed: "
                + e.getMessage()));
          }
          return;
        }
        int last = body.bytes(1)[0];
        if (last != 0 && last != 1) {
          engine.discard("join " + join.id.substring(0, 8) + "…: RESTART_REFUSED final " + last + " (expected: 0 or "
              + "1)");
          return;
        }
        if (last == 1) {
          join.restartsEnded = true;
          result.completeExceptionally(new JoinRejectedException("the host refused ICE restarts of this join: "
              + body.text(2)));
        } else {
          result.completeExceptionally(new WebRtcException("the host refused ICE restart " + number + ": "
              + body.text(2)));
        }
      }
      case GONE -> {
        if (result != null) {
          join.restartsEnded = true;
          result.completeExceptionally(new JoinRejectedException(body.text(0)));
        }
      }
      default -> {
        // a late copy of the join's own messages (its answer, the restart notice): nothing to do
      }
    }
  }

  private void timedOut(ClientJoinState join, long number) {
    CompletableFuture<SessionDescription> result = join.restart;
    if (result == null || join.restartNumber != number) {
      return;
    }
    String none = engine.allDown();
    result.completeExceptionally(new WebRtcException("no answer to ICE restart " + number + " within "
        + TIMEOUT.toSeconds() + " s" + (none != null ? ": " + none : engine.connectedBrokers().isEmpty()
        ? ": no broker connected yet (" + engine.settings.brokerList() + ")" : " through "
        + String.join(", ", engine.connectedBrokers()))));
  }

  /** Restart {@code number} is over, however (answered, refused, failed, or given up by the caller). */
  private void ended(ClientJoinState join, long number, @Nullable Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
        ? c.getCause() : error;
    log(join, number, cause == null ? "answered" : (cause instanceof JoinRejectedException ? "refused: "
        : "failed: ") + (cause instanceof java.util.concurrent.TimeoutException ? "given up by the caller"
        : cause.getMessage()) + (cause instanceof JoinRejectedException ? "; rejoining" : ""));
    if (join.restartNumber != number) {
      return;
    }
    join.restart = null;
    join.restartMessage = null;
    if (join.restartRepeat != null) {
      join.restartRepeat.cancel(false);
      join.restartRepeat = null;
    }
    if (join.restartDeadline != null) {
      join.restartDeadline.cancel(false);
      join.restartDeadline = null;
    }
    restarting.remove(join.id);
    engine.closeLinksWhenIdle();
  }

  /** Fails every restart in flight (the signaling closes). */
  void closeAll(Throwable why) {
    for (ClientJoinState join : new ArrayList<>(restarting.values())) {
      CompletableFuture<SessionDescription> result = join.restart;
      if (result != null) {
        result.completeExceptionally(why);
      }
    }
  }

  private void log(ClientJoinState join, long number, String what) {
    Endpoint.LOG.log(Level.INFO, () -> "rendezvous " + engine.sessionId + ": ICE restart " + number + " of join "
        + join.id.substring(0, 8) + "…: " + what);
  }
}

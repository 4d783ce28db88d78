package dev.p2ptunnel.rendezvous.internal;

import dev.p2ptunnel.webrtc.SessionDescription;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * ICE restarts of approved joins on the host's side (docs/SIGNALING.md, "ICE restart through rendezvous"): answers
 * each join's latest restart once through the host's session of that join, repeats that one reply for the client's
 * repeats, refuses restarts beyond the rate limit, tells a client whose join the host does not know, and says how long
 * an approved join is kept. Everything runs on the loop thread of {@link HostEngine}; the answerer's stage hops back.
 */
final class HostRestarts {
  /** After the host runtime's leave notice, an approved join is kept this long after it or after its last restart. */
  static final Duration LEFT_KEPT = Duration.ofMinutes(10);
  /** Restarts a minute per join, on average; the client restarts every 5 s while its path is down. */
  static final int PER_MINUTE = 30;
  /** Restarts a join may make at once (the bucket's size). */
  static final int BURST = 10;
  /** The reply to messages of an unknown join goes out at most once per join id in this time. */
  static final long GONE_EVERY_NS = Duration.ofSeconds(5).toNanos();
  static final int GONE_REMEMBERED = 256;
  static final String GONE_REASON = "the host does not know this join: it forgot it (the client was away longer "
      + "than it keeps a join) or it was restarted";

  private final HostEngine engine;
  /** Join ids told {@link Body.Type#GONE} lately, oldest first. */
  private final LinkedHashMap<String, Long> goneSentNs = new LinkedHashMap<>();

  HostRestarts(HostEngine engine) {
    this.engine = engine;
  }

  /** A RESTART of {@code join} arrived (authentic, new). */
  void offered(HostJoin join, Body body) {
    long number = body.number(0);
    String what = "ICE restart " + number + " of " + describe(join);
    if (!join.accepted) {
      engine.discard("join " + join.id.substring(0, 8) + "…: a RESTART of a join not approved");
      return;
    }
    if (number <= 0) {
      engine.discard("join " + join.id.substring(0, 8) + "…: RESTART restart number " + number + " (expected: 1 or "
          + "more)");
      return;
    }
    if (number < join.restartSeen) {
      engine.discard("join " + join.id.substring(0, 8) + "…: ICE restart " + number + " after restart "
          + join.restartSeen + " (stale: only the latest is answered)");
      return;
    }
    if (number == join.restartSeen) {
      byte[] reply = join.restartReply;
      if (reply != null) {
        toClient(join, reply); // the client's repeat: the same reply again, never a second answer
      }
      return;
    }
    long now = System.nanoTime();
    join.restartSeen = number;
    join.restartReply = null;
    join.lastRestartNs = now;
    long waitS = take(join, now);
    if (waitS > 0) {
      refuse(join, number, false, "too many ICE restarts of this join: at most " + PER_MINUTE + " a minute; retry "
          + "after " + waitS + " s");
      return;
    }
    Function<SessionDescription, CompletableFuture<SessionDescription>> answerer = join.answerer;
    if (answerer == null) {
      refuse(join, number, false, "the host's session of this join does not carry yet");
      return;
    }
    Endpoint.LOG.log(Level.INFO, () -> "rendezvous " + engine.sessionId + ": " + what + ": offered; answering");
    CompletableFuture<SessionDescription> answer;
    try {
      answer = answerer.apply(new SessionDescription(SessionDescription.Type.OFFER, body.text(1)));
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((description, error) -> engine.onLoop(() -> answered(join, number, description, error)));
  }

  private void answered(HostJoin join, long number, @Nullable SessionDescription description,
      @Nullable Throwable error) {
    String what = "ICE restart " + number + " of " + describe(join);
    if (join.restartSeen != number) {
      Endpoint.LOG.log(Level.INFO, () -> "rendezvous " + engine.sessionId + ": " + what + ": its answer dropped, "
          + "restart " + join.restartSeen + " superseded it");
      return;
    }
    if (!engine.knows(join)) {
      return; // forgotten meanwhile (the host stopped, or the join's time ran out)
    }
    if (error != null || description == null) {
      Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
          ? c.getCause() : error;
      refuse(join, number, false, "the host's session could not answer: " + (cause == null ? "no answer"
          : cause.getMessage() == null ? cause.toString() : cause.getMessage()));
      return;
    }
    byte[] reply = Body.encode(Body.Type.RESTART_ANSWER, Body.u64(number), description.sdp());
    join.restartReply = reply;
    join.lastRestartNs = System.nanoTime();
    toClient(join, reply);
    Endpoint.LOG.log(Level.INFO, () -> "rendezvous " + engine.sessionId + ": " + what + ": answered");
  }

  private void refuse(HostJoin join, long number, boolean last, String reason) {
    String text = HostEngine.reason(reason, "refused");
    byte[] reply = Body.encode(Body.Type.RESTART_REFUSED, Body.u64(number), new byte[] {(byte) (last ? 1 : 0)},
        text);
    join.restartReply = reply;
    toClient(join, reply);
    Endpoint.LOG.log(Level.INFO, () -> "rendezvous " + engine.sessionId + ": ICE restart " + number + " of "
        + describe(join) + ": refused: " + text);
  }

  /** 0 if the join may restart now (a token taken), else the seconds until it may. */
  private static long take(HostJoin join, long nowNs) {
    if (join.restartTokensAtNs != 0) {
      double refill = (nowNs - join.restartTokensAtNs) / 60e9 * PER_MINUTE;
      join.restartTokens = Math.min(BURST, join.restartTokens + refill);
    }
    join.restartTokensAtNs = nowNs;
    if (join.restartTokens >= 1) {
      join.restartTokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - join.restartTokens) * 60.0 / PER_MINUTE));
  }

  /**
   * A message under a join key for a join the host does not know: tells its sender, under the session key, so that a
   * client restarting a forgotten join rejoins at once instead of waiting out its restart budget. At most once per
   * join id in {@link #GONE_EVERY_NS}; the reply is as large as the message, so it amplifies nothing.
   */
  void gone(byte[] joinId, String id) {
    SessionSecrets s = engine.secrets;
    if (s == null) {
      return;
    }
    long now = System.nanoTime();
    Iterator<Long> oldest = goneSentNs.values().iterator();
    while (oldest.hasNext() && (now - oldest.next() > GONE_EVERY_NS || goneSentNs.size() > GONE_REMEMBERED)) {
      oldest.remove();
    }
    if (goneSentNs.containsKey(id)) {
      return;
    }
    goneSentNs.put(id, now);
    engine.send(s.toClientTopic(), s.sessionKey(Direction.HOST_TO_CLIENT), Envelope.KEY_SESSION, joinId,
        Body.encode(Body.Type.GONE, GONE_REASON));
  }

  /** Whether an approved join is still kept: while the tunnel lives, then {@link #LEFT_KEPT} after the leave. */
  static boolean keep(HostJoin join, long nowNs) {
    return join.leftAtNs == 0 || nowNs - Math.max(join.leftAtNs, join.lastRestartNs) <= LEFT_KEPT.toNanos();
  }

  private void toClient(HostJoin join, byte[] plaintext) {
    SessionSecrets s = engine.secrets;
    if (s != null) {
      engine.send(s.toClientTopic(), join.keys.of(Direction.HOST_TO_CLIENT), Envelope.KEY_JOIN, join.joinId,
          plaintext);
    }
  }

  private static String describe(HostJoin join) {
    return "join " + join.id.substring(0, 8) + "…" + (join.offer == null ? "" : " from '" + join.offer.clientName()
        + "'");
  }
}

package dev.p2ptunnel.webrtc;

import java.util.concurrent.CompletableFuture;

/**
 * One join exchange seen from the client, as {@link Signaling#join} starts it. Thread-safe. Futures fail with
 * {@link JoinRejectedException} when the host refuses, or with another {@link WebRtcException} when the exchange
 * fails (unreachable server, host gone); they complete on a thread of the transport, so stages chained on them must
 * not block.
 */
public interface ClientJoin {
  /**
   * The host's first reply: a {@link JoinChallenge} where the transport carries two stages and the host speaks the
   * pairing extension, else directly the {@link JoinAnswer} (offline tokens, original hosts, plain joins).
   */
  CompletableFuture<HostReply> firstReply();

  /** After a challenge: sends the reveal; completes with the host's answer once the host approved. */
  CompletableFuture<JoinAnswer> reveal(JoinReveal reveal);

  /** Withdraws the join (the client gives up before it is answered): the host is told. Idempotent; never blocks. */
  void withdraw(String reason);

  /**
   * Whether this transport carries ICE restarts of the session the join made ({@link #restartIce}); a client whose
   * transport cannot rejoins instead when the path fails.
   */
  default boolean restartable() {
    return false;
  }

  /**
   * After the join was answered: sends an ICE restart offer of the same session (new ICE credentials and candidates,
   * the same DTLS certificate) and completes with the host's answer. The host answers on the existing connection, so
   * that a new path is found without a new session (docs/SIGNALING.md, "ICE restart").
   *
   * @return the answer; fails with {@link UnsupportedOperationException} unless {@link #restartable()}
   */
  default CompletableFuture<SessionDescription> restartIce(SessionDescription offer) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(
        "this signaling transport carries no ICE restart (expected: restartable() before restartIce)"));
  }
}

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
}

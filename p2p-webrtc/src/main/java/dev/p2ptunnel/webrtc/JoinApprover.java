package dev.p2ptunnel.webrtc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a client may join a host, after seeing its name, its address and the short authentication code
 * both sides show (see {@link PendingJoin}). Called on the host's callback executor
 * ({@link HostOptions.Builder#callbackExecutor}), once per join, possibly for several joins before the first is
 * decided (in arrival order); it should not block (a blocked call holds up the later callbacks, never the joins of
 * other clients): it returns a stage that completes
 * when a person (or a rule) has decided, from any thread, minutes later if need be. A join not decided within
 * {@link HostOptions#approveTimeout()} is refused, and {@link PendingJoin#cancelled()} tells the approver to stop
 * asking. Joins from trusted identities ({@link TrustStore}) are approved without asking.
 */
@FunctionalInterface
public interface JoinApprover {
  /**
   * Approves every client: for hosts whose Session ID is the only secret, and for tests. Decided on the spot, without
   * the callback executor.
   */
  JoinApprover APPROVE_ALL = join -> CompletableFuture.completedFuture(JoinDecision.approve());

  /** The decision on {@code join}; a stage that fails counts as a refusal. */
  CompletionStage<JoinDecision> decide(PendingJoin join);
}

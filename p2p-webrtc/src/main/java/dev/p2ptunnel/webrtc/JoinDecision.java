package dev.p2ptunnel.webrtc;

import java.util.Objects;

/**
 * What a {@link JoinApprover} decided. Immutable.
 *
 * @param approved whether the client may join
 * @param trust whether to remember the client's identity as trusted, so that it joins without asking next time
 * @param reason said to a refused client
 */
public record JoinDecision(boolean approved, boolean trust, String reason) {
  /** The reason a plain refusal gives. */
  public static final String REFUSED = "the host refused";

  /** Validates. */
  public JoinDecision {
    Objects.requireNonNull(reason, "reason");
    if (trust && !approved) {
      throw new IllegalArgumentException("trust: true for a refusal (expected: only approvals are trusted)");
    }
  }

  /** Approve this once. */
  public static JoinDecision approve() {
    return new JoinDecision(true, false, "");
  }

  /** Approve and trust the client's identity from now on. */
  public static JoinDecision approveAndTrust() {
    return new JoinDecision(true, true, "");
  }

  /** Refuse, telling the client {@code reason}. */
  public static JoinDecision refuse(String reason) {
    return new JoinDecision(false, false, reason);
  }
}

package dev.p2ptunnel.signaling.api;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where a join request stands, as the {@code status} field names it (lower case on the wire).
 *
 * <pre>
 * PENDING ──challenge──▶ CHALLENGED ──reveal──▶ REVEALED ──approve──▶ APPROVED ──leave──▶ LEFT
 *    └──────────────────────approve (plain join)──────────────────────────▲
 * any undecided state ──reject──▶ REJECTED, ──withdraw──▶ WITHDRAWN, ──joinTtl──▶ EXPIRED
 * </pre>
 */
public enum JoinStatus {
  PENDING, CHALLENGED, REVEALED, APPROVED, LEFT, REJECTED, WITHDRAWN, EXPIRED;

  /** The name on the wire: {@code pending}, {@code challenged}, … */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Not decided yet: the host may still challenge, approve or reject, the client may withdraw. */
  public boolean undecided() {
    return this == PENDING || this == CHALLENGED || this == REVEALED;
  }

  /** Over: kept only for its client to read the outcome (an approved join is not over until it is left). */
  public boolean finished() {
    return !undecided() && this != APPROVED;
  }

  /** The status of a wire name, or null if there is none of that name. */
  public static @Nullable JoinStatus of(String wire) {
    for (JoinStatus status : values()) {
      if (status.wire().equals(wire)) {
        return status;
      }
    }
    return null;
  }
}

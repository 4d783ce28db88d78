package dev.p2ptunnel.webrtc.signaling;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One client's join request and, once the host decides, its result. Owned by the server's state thread. */
final class Join {
  enum State { PENDING, APPROVED, REJECTED, EXPIRED }

  final String id;
  final long seq;
  final String clientName;
  final long createdNs;
  /** Dropped (null) once decided: only the host needs it. */
  @Nullable String offer;
  State state = State.PENDING;
  /** The answer once approved, the reason once rejected. */
  @Nullable String result;
  long endedNs;
  /** The client's parked result polls. */
  final List<Waiter> waiters = new ArrayList<>(1);

  Join(String id, long seq, String clientName, String offer, long createdNs) {
    this.id = id;
    this.seq = seq;
    this.clientName = clientName;
    this.offer = offer;
    this.createdNs = createdNs;
  }

  /** Characters held for this join (offer or result), for the server's memory budget. */
  long storedChars() {
    return clientName.length() + (offer == null ? 0 : offer.length()) + (result == null ? 0 : result.length());
  }

  /** Whether this join holds one of the session's client slots. */
  boolean holdsSlot() {
    return state == State.PENDING || state == State.APPROVED;
  }
}

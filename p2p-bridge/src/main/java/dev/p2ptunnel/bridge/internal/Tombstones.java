package dev.p2ptunnel.bridge.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Resume's tombstones (docs/PROTOCOL.md, "Resumable streams"): sockets that ended while their last messages (FIN,
 * CLOSE) may not have arrived keep their id until the peer confirms them, and the receipts that confirm them: a PING
 * whose nonce is the sequence number of our last message on the channel, answered by a PONG with the same nonce. What
 * the peer confirmed counts per channel: a new channel starts with nothing confirmed. Loop thread only.
 */
final class Tombstones {
  /** A receipt PING without its PONG is sent again after this long. */
  static final long RECEIPT_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * An ended socket whose last messages the peer has not confirmed; {@code stream} is null for a socket that never
   * opened here (a refused CONNECT).
   */
  record Tombstone(int id, @Nullable Stream stream, Resumable state, long received) {}

  private final Outbound outbound;
  private final Resender resender;
  /** A socket id kept for a tombstone is free now. */
  private final Consumer<Stream> released;
  private final Map<Integer, Tombstone> kept = new HashMap<>();
  /** Our number of the current channel. */
  private int channel;
  /** Highest sequence number of the current channel the peer confirmed. */
  private long confirmedSeq;
  private long receiptSeq = -1;
  private long receiptSentNanos;

  Tombstones(Outbound outbound, Resender resender, Consumer<Stream> released) {
    this.outbound = outbound;
    this.resender = resender;
    this.released = released;
  }

  /** A new channel (our number {@code number}): nothing of it is confirmed, no receipt is on its way. */
  void channel(int number) {
    channel = number;
    confirmedSeq = 0;
    receiptSeq = -1;
  }

  int size() {
    return kept.size();
  }

  boolean isEmpty() {
    return kept.isEmpty();
  }

  @Nullable Tombstone get(int socketId) {
    return kept.get(socketId);
  }

  /** A copy: the caller may drop tombstones while it goes through them. */
  List<Tombstone> all() {
    return new ArrayList<>(kept.values());
  }

  /** The ids kept (tests). */
  List<Integer> ids() {
    return List.copyOf(kept.keySet());
  }

  /** Keeps {@code t} until the peer confirms its last messages. */
  void keep(Tombstone t) {
    kept.put(t.id(), t);
  }

  /** Whether the peer may not have handled the message at {@code mark}. */
  boolean unconfirmed(Resumable.@Nullable Mark mark) {
    return mark != null && !(mark.channel() == channel && mark.seq() <= confirmedSeq);
  }

  /** The tombstone goes: nothing more is sent for it, and its id is free. */
  void drop(Tombstone t) {
    kept.remove(t.id());
    resender.cancel(t.id());
    t.state().log.clear();
    Stream stream = t.stream();
    if (stream != null) {
      released.accept(stream);
    }
  }

  /** Every tombstone goes (the peer has none of them). */
  void dropAll() {
    for (Tombstone t : all()) {
      drop(t);
    }
  }

  /** Whether a receipt PING is due ({@code canAsk}: the peer can answer one now) and none is on its way. */
  boolean receiptDue(boolean canAsk, long nowNanos) {
    return canAsk && !kept.isEmpty() && (receiptSeq < 0 || nowNanos - receiptSentNanos >= RECEIPT_RETRY_NANOS);
  }

  /** A receipt PING goes out now; returns its nonce. */
  long receiptSent(long nowNanos) {
    receiptSeq = outbound.sentOnChannel();
    receiptSentNanos = nowNanos;
    return receiptSeq;
  }

  /** A PONG: the peer handled our messages up to {@code nonce} on this channel; what it confirms goes. */
  void confirmed(long nonce) {
    long confirmed = Math.min(nonce, outbound.sentOnChannel());
    if (confirmed <= confirmedSeq) {
      return;
    }
    confirmedSeq = confirmed;
    if (receiptSeq >= 0 && receiptSeq <= confirmed) {
      receiptSeq = -1;
    }
    for (Tombstone t : all()) {
      if (!unconfirmed(t.state().fin) && !unconfirmed(t.state().close) && !resender.has(t.id())) {
        drop(t);
      }
    }
  }
}

package dev.p2ptunnel.bridge.internal;

import org.jspecify.annotations.Nullable;

/**
 * Where one logical socket stands in its life: a {@link Live} state until it ends, then {@link Closed}, which carries
 * why. Every change goes through {@link #next}, the one transition table; the local connection's own progress (host:
 * dialing, then connected) is tracked beside it, in {@link Stream#connected}.
 *
 * <pre>
 *   OPEN           ── local EOF, peer not known yet ──▶ EOF_DEFERRED ── peer known ──▶ FIN_SENT or CLOSE_SENT
 *   OPEN           ── local EOF, half-close ─────────▶ FIN_SENT     ── peer FIN ──▶ FIN_BOTH
 *   OPEN           ── peer FIN ──────────────────────▶ FIN_RECEIVED ── local EOF ─▶ FIN_BOTH
 *   OPEN           ── local EOF, original protocol ──▶ CLOSE_SENT
 *   any live state ── peer CLOSE ────────────────────▶ CLOSE_RECEIVED (CLOSE_SENT stays)
 *   FIN_BOTH, CLOSE_SENT, CLOSE_RECEIVED: drain (write out what the peer sent), then Closed(reason)
 *   any live state ── abort, failure, bridge shutdown ──▶ Closed(reason, reset)
 * </pre>
 *
 * Immutable and thread-safe; a {@link Stream} holds its current state on the loop thread.
 */
sealed interface StreamState permits StreamState.Live, StreamState.Closed {

  /** Whether the socket is still live. */
  boolean isLive();

  /** What happened to a live socket. */
  enum Event {
    /** Local EOF before the peer's capabilities are known: decided once they are. */
    LOCAL_EOF_DEFERRED,
    /** We sent FIN (half-close): no more DATA from us. */
    FIN_SENT,
    /** We sent CLOSE after a local EOF (original protocol): we read no more and drop what the peer still sends. */
    CLOSE_SENT,
    /** The peer sent FIN: no more DATA from it. */
    FIN_RECEIVED,
    /** The peer sent CLOSE: nothing more from it; the socket ends once what it sent is written. */
    CLOSE_RECEIVED
  }

  /** What DATA from the peer means in a state. */
  enum DataRule {
    /** Write it to the local application. */
    DELIVER,
    /** Drop it: we closed and the peer had not seen it yet. */
    DROP,
    /** A protocol violation: DATA after the peer's FIN. */
    VIOLATION
  }

  /** The states of a socket that has not ended. */
  enum Live implements StreamState {
    /** Data flows both ways. */
    OPEN,
    /** The local application sent EOF before the peer's capabilities were known; nothing more is read. */
    EOF_DEFERRED,
    /** We sent FIN; the peer may still send. */
    FIN_SENT,
    /** The peer sent FIN; we still read and send; the local output is shut once its data is written. */
    FIN_RECEIVED,
    /** Both sides sent FIN: the socket ends once everything received is written. */
    FIN_BOTH,
    /** We sent CLOSE (local EOF, original protocol): the socket ends once everything received is written. */
    CLOSE_SENT,
    /** The peer sent CLOSE: the socket ends once everything received is written. */
    CLOSE_RECEIVED;

    @Override
    public boolean isLive() {
      return true;
    }

    /** Whether the local socket is still read (credit and channel writability aside). */
    boolean readsLocal() {
      return this == OPEN || this == FIN_RECEIVED;
    }

    /** Whether the peer has sent FIN, so the local output is shut once everything is written. */
    boolean peerFinished() {
      return this == FIN_RECEIVED || this == FIN_BOTH;
    }

    /** What DATA from the peer means now. */
    DataRule dataRule() {
      switch (this) {
        case FIN_RECEIVED:
        case FIN_BOTH:
          return DataRule.VIOLATION;
        case CLOSE_SENT:
        case CLOSE_RECEIVED:
          return DataRule.DROP;
        default:
          return DataRule.DELIVER;
      }
    }

    /** Whether an abort tells the peer with CLOSE: not when either side already sent CLOSE. */
    boolean abortSendsClose() {
      return this != CLOSE_SENT && this != CLOSE_RECEIVED;
    }

    /** The reason the socket ends with once drained, or null if this state does not end by draining. */
    @Nullable String drainedReason() {
      switch (this) {
        case FIN_BOTH:
          return "closed";
        case CLOSE_SENT:
          return "closed by local application";
        case CLOSE_RECEIVED:
          return "closed by peer";
        default:
          return null;
      }
    }
  }

  /**
   * The socket ended.
   *
   * @param reason how, as reported to the listener
   * @param reset whether the local connection was reset rather than closed cleanly (abort, failure, bridge closed,
   *     or bytes left unwritten), so that the application cannot take it for a complete response
   */
  record Closed(String reason, boolean reset) implements StreamState {
    @Override
    public boolean isLive() {
      return false;
    }
  }

  /**
   * The transition table. Events the peer causes never fail: where they mean nothing (a second FIN, a FIN after
   * CLOSE) the state stays. Local events that cannot happen in a state are bugs and throw.
   *
   * @throws IllegalStateException for a local event the state does not allow
   */
  static Live next(Live from, Event event) {
    switch (event) {
      case LOCAL_EOF_DEFERRED:
        if (from == Live.OPEN) {
          return Live.EOF_DEFERRED;
        }
        break;
      case FIN_SENT:
        if (from == Live.OPEN || from == Live.EOF_DEFERRED) {
          return Live.FIN_SENT;
        }
        if (from == Live.FIN_RECEIVED) {
          return Live.FIN_BOTH;
        }
        break;
      case CLOSE_SENT:
        if (from == Live.OPEN || from == Live.EOF_DEFERRED) {
          return Live.CLOSE_SENT;
        }
        break;
      case FIN_RECEIVED:
        if (from == Live.OPEN) {
          return Live.FIN_RECEIVED;
        }
        if (from == Live.FIN_SENT) {
          return Live.FIN_BOTH;
        }
        if (from != Live.EOF_DEFERRED) {
          return from; // a repeated FIN, or one after a CLOSE: nothing changes
        }
        break; // the peer's first message settles a deferred EOF before anything of it is handled
      case CLOSE_RECEIVED:
        return from == Live.CLOSE_SENT ? from : Live.CLOSE_RECEIVED;
      default:
        break;
    }
    throw new IllegalStateException("transition: " + event + " in state " + from + " (not allowed)");
  }
}

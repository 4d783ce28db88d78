package dev.p2ptunnel.bridge.internal;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * One logical socket and its local TCP connection: its {@link StreamState}, credit, pending bytes and counters. Owned
 * by the loop thread; changed by the components that each own one aspect (see the fields).
 */
final class Stream {
  final int id;
  final long openedNanos;
  final SocketChannel socket;
  final SelectionKey key;

  private StreamState state = StreamState.Live.OPEN;
  /** The local TCP connection is up: client at once (accepted), host once the dial completes. */
  boolean connected;
  /** Host: when the dial times out. */
  long dialDeadlineNanos;
  /** The local socket's output is shut (after the peer's FIN and all its data). */
  boolean outputShut;

  /** {@link Scheduler}: queued to read this turn. */
  boolean scheduled;
  /** {@link Scheduler}: waiting for the channel to become writable, not read until then. */
  boolean parked;
  /** {@link Scheduler}: its last read left more behind (a bulk sender); served after sparse sockets. */
  boolean backlogged;
  /** {@link Scheduler}: bytes it may still read in this round of deficit round robin (may be below 0). */
  long deficit;

  /** {@link FlowControl}'s per-socket state. */
  final Credit credit = new Credit();
  /** Bytes from the peer the local socket has not taken yet. */
  final PendingWrites pending = new PendingWrites();
  final ByteCounts bytes = new ByteCounts();

  /** {@link Streams}' list of live sockets. */
  @Nullable Stream previous;
  @Nullable Stream next;

  Stream(int id, SocketChannel socket, SelectionKey key, long openedNanos) {
    this.id = id;
    this.socket = socket;
    this.key = key;
    this.openedNanos = openedNanos;
  }

  StreamState state() {
    return state;
  }

  boolean isLive() {
    return state.isLive();
  }

  /**
   * The live state.
   *
   * @throws IllegalStateException if the socket has ended (a bug: ended sockets are not handled)
   */
  StreamState.Live live() {
    if (!(state instanceof StreamState.Live)) {
      throw new IllegalStateException("socket " + id + ": " + state + " (expected: live)");
    }
    return (StreamState.Live) state;
  }

  /** Applies {@code event} through the transition table; returns the new state. */
  StreamState.Live apply(StreamState.Event event) {
    StreamState.Live next = StreamState.next(live(), event);
    state = next;
    return next;
  }

  /** The terminal transition. */
  void end(String reason, boolean reset) {
    live();
    state = new StreamState.Closed(reason, reset);
  }

  /**
   * Sets the selector interest from the state: CONNECT while dialing; READ while the socket is read, has credit and
   * is not parked; WRITE while bytes wait for it.
   */
  void updateInterest() {
    if (!key.isValid()) {
      return;
    }
    int ops;
    if (!connected) {
      ops = SelectionKey.OP_CONNECT;
    } else {
      ops = 0;
      if (isLive() && live().readsLocal() && credit.send > 0 && !parked) {
        ops |= SelectionKey.OP_READ;
      }
      if (!pending.isEmpty()) {
        ops |= SelectionKey.OP_WRITE;
      }
    }
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  @Override
  public String toString() {
    return "socket " + id + " " + state;
  }
}

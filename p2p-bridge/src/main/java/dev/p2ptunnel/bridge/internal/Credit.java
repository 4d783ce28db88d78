package dev.p2ptunnel.bridge.internal;

/** One socket's flow-control state in both directions, kept by {@link FlowControl}. Loop thread only. */
final class Credit {
  /** {@link #send} when flow control is not in use. */
  static final long UNLIMITED = Long.MAX_VALUE;

  /** DATA bytes we may still send to the peer before it grants more. */
  long send;
  /** DATA bytes the peer may still send us before we grant more. */
  long receive;
  /** Bytes written to the local socket since the last WINDOW we sent. */
  long unreported;
}

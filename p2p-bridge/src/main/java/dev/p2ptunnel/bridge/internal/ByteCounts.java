package dev.p2ptunnel.bridge.internal;

/**
 * The DATA bytes of one socket, the one place they are counted: {@link Outbound} counts what goes to the peer,
 * {@link LocalIo} what comes from it and what the local socket took. Loop thread only.
 */
final class ByteCounts {
  /** DATA payload bytes read from the local socket and sent to the peer. */
  long toPeer;
  /** DATA payload bytes received from the peer. */
  long fromPeer;
  /** Bytes received from the peer and written to the local socket. */
  long toLocal;
}

package dev.p2ptunnel.bridge.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;

/**
 * Where the two sides differ: how a logical socket gets its local connection. The client accepts local connections
 * and opens a socket for each ({@link ClientRole}); the host dials a target for each CONNECT ({@link HostRole}).
 * Everything else is the same on both sides. Loop thread only.
 */
sealed interface Role permits ClientRole, HostRole {
  /** "client" or "host", for thread names and logs. */
  String name();

  /** Registers what the role listens on (the client's server socket) with the loop's selector. */
  void register(Selector selector) throws IOException;

  /** A CONNECT from the peer for {@code socketId}; {@code payload} is valid during the call only. */
  void peerConnect(int socketId, ByteBuffer payload);

  /** A dial under way has completed or failed (the key was connectable). */
  void connectable(Stream stream);

  /** {@code stream} ended: the role releases what it held for it (the client its id). */
  void ended(Stream stream);

  /** When {@link #tick} next has something to do, or {@code Long.MAX_VALUE}. */
  long deadlineNanos();

  /**
   * Runs what is due at {@code nowNanos} (dial timeouts, the end of an accept pause).
   *
   * @return how much was done
   */
  int tick(long nowNanos);

  /** The bridge closes: releases the role's own resources. */
  void close();
}

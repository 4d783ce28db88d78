package dev.p2ptunnel.benchmarks.e2e;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One application connection of {@link HoldDriver}: its socket, the phase it is in, its reply buffer (reused by every
 * phase) and the bytes that prove it end to end, different per connection so that crossed or shifted streams show.
 * Used by the driver's one thread only.
 */
final class HeldConnection {
  /** The length of one request of the active round, and of the reply buffer. */
  static final int REQUEST_BYTES = 64;

  enum State { CONNECTING, VERIFYING, HELD, ACTIVE, GONE }

  final int index;
  final SocketChannel socket;
  final ByteBuffer reply = ByteBuffer.allocate(REQUEST_BYTES);
  final long startNs = System.nanoTime();
  State state = State.CONNECTING;

  HeldConnection(int index, SocketChannel socket) {
    this.index = index;
    this.socket = socket;
  }

  /** The byte that proves this connection end to end. */
  byte probe() {
    return (byte) (index * 131 + (index >> 8) + 1);
  }

  /** Request byte {@code j} of this connection: crossed or shifted streams change it. */
  byte request(int j) {
    return (byte) (index * 131 + j * 7 + (index >> 8));
  }
}

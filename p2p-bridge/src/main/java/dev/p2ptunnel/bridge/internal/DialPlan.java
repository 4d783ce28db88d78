package dev.p2ptunnel.bridge.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Where the host connects a socket the peer opened. Today every CONNECT goes to the one shared service
 * ({@link #fixed}); the CONNECT's payload (empty in the original protocol) is where a later version names a service.
 * Called on the loop thread; must not block.
 */
@FunctionalInterface
interface DialPlan {
  /**
   * The resolved address to dial for {@code socketId}.
   *
   * @param connectPayload the CONNECT message's payload, valid during the call only
   * @throws IOException if there is nowhere to dial; the socket is refused with the message
   */
  InetSocketAddress target(int socketId, ByteBuffer connectPayload) throws IOException;

  /** Every socket to {@code target} (resolved). */
  static DialPlan fixed(InetSocketAddress target) {
    if (target.isUnresolved()) {
      throw new IllegalArgumentException("target: " + target + " (expected: a resolved address)");
    }
    return (socketId, payload) -> target;
  }
}

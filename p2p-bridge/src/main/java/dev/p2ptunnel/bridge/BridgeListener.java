package dev.p2ptunnel.bridge;

import dev.p2ptunnel.protocol.ProtocolException;
import java.net.SocketAddress;

/**
 * Events of a bridge, for monitors, logs and user interfaces. Every method is called on the bridge's loop thread,
 * one at a time, and must return quickly: blocking here stalls every connection of the bridge. An exception thrown
 * here is logged and otherwise ignored. All methods do nothing by default.
 */
public interface BridgeListener {
  /**
   * A logical socket opened: on the client, a local application connected; on the host, the service accepted
   * the connection.
   *
   * @param address the local application's address (client) or the service's (host)
   */
  default void onSocketOpened(int socketId, SocketAddress address) {}

  /** A logical socket closed; {@code reason} says how (e.g. "closed by peer", "service refused: …"). */
  default void onSocketClosed(int socketId, String reason) {}

  /** The peer broke the protocol; at most the one socket named in the error is closed. */
  default void onProtocolError(ProtocolException error) {}

  /**
   * The peer's capabilities are known: the first message it sent was a HELLO ({@code features} is what both sides
   * support, a set of {@code Extensions.FEATURE_*} bits) or was not (an original peer, {@code features} 0).
   */
  default void onNegotiated(int features) {}

  /** The bridge closed: every socket is closed and no more events follow. */
  default void onClosed(String reason) {}
}

package dev.p2ptunnel.bridge;

import java.net.SocketAddress;
import java.util.List;

/**
 * Events of a bridge, for monitors, logs and user interfaces. Every method is called on the bridge's loop thread,
 * one at a time, and must return quickly: blocking here stalls every connection of the bridge. An exception thrown
 * here is logged and otherwise ignored. All methods do nothing by default.
 */
public interface BridgeListener {
  /** {@code socketId} of {@link #onError} when the error concerns the whole channel, not one socket. */
  int NO_SOCKET = -1;

  /**
   * A logical socket opened: on the client, a local application connected; on the host, the service accepted
   * the connection.
   *
   * @param address the local application's address (client) or the service's (host)
   */
  default void onSocketOpened(int socketId, SocketAddress address) {}

  /** A logical socket closed; {@code reason} says how (e.g. "closed by peer", "service refused: …"). */
  default void onSocketClosed(int socketId, String reason) {}

  /**
   * Something went wrong and was counted in {@link BridgeStats#errors()} under {@code kind}: a protocol error of the
   * peer (at most the one socket it names is closed), a refused or failed local connection, an overflow. What it
   * did to the socket, if anything, follows as {@link #onSocketClosed}.
   *
   * @param socketId the socket concerned, or {@link #NO_SOCKET}
   * @param message what was wrong, naming the field, the value and the limit where there is one
   */
  default void onError(ErrorKind kind, int socketId, String message) {}

  /**
   * The peer's capabilities are known: the first message it sent was a HELLO ({@code features} is what both sides
   * support, a set of {@code Extensions.FEATURE_*} bits) or was not (an original peer, {@code features} 0).
   */
  default void onNegotiated(int features) {}

  /**
   * The connection to the peer is lost (resume extension in use): its channel closed without the peer saying goodbye,
   * or the peer has been silent past the keepalive timeout. Every socket stays; nothing is read from local
   * applications until the peer is back, over the same channel or one handed to {@link Bridge#attach}; after
   * {@link BridgeConfig#resumeGrace()} the bridge closes. Called once per loss.
   *
   * @param reason what was seen, e.g. {@code "peer did not answer keepalive within 15000 ms"}
   */
  default void onConnectionLost(String reason) {}

  /**
   * The peer is back after {@link #onConnectionLost}: a message arrived on the same channel, or the sockets were
   * resumed over a new one (those the peer no longer had are closed, with {@link #onSocketClosed}).
   *
   * @param socketsResumed sockets that carry on
   * @param socketsClosed sockets closed because the peer no longer had them (e.g. it restarted)
   */
  default void onConnectionRestored(int socketsResumed, int socketsClosed) {}

  /**
   * Client: the host's list of services arrived (once the channel is open, when both sides speak the named-services
   * extension) or changed (the host shared or withdrew a service). Never called with an original host.
   */
  default void onServices(List<SharedService> services) {}

  /** The bridge closed: every socket is closed and no more events follow. */
  default void onClosed(String reason) {}
}

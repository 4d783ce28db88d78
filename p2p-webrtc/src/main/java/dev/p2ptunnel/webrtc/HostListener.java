package dev.p2ptunnel.webrtc;

/**
 * Events of a {@link HostTunnel}, for logs and user interfaces. Called on the host's callback executor
 * ({@link HostOptions.Builder#callbackExecutor}; by default its own thread {@code p2p-tunnel-callbacks-host-N}, one
 * call at a time, in the order the events happened), never on a native thread nor on the threads that take joins and
 * run clients: a slow listener delays the next events, not the host. A listener may call back into the tunnel (close a
 * client, close the host). What it throws is logged and ignored. All methods do nothing by default.
 *
 * <p>{@link TunnelListener} reports the same events as one stream ({@link TunnelEvent}), with the tunnel's own, the
 * sockets' and the errors; its events are made from these calls, so both hear the same.
 */
public interface HostListener {
  /** A client was approved and is connecting. */
  default void onClientJoined(ClientConnection client) {}

  /** A join request was refused; {@code reason} is what the client is told. */
  default void onClientRejected(String clientName, String reason) {}

  /** An approved client's DataChannel opened: it can now carry connections. */
  default void onClientOpened(ClientConnection client) {}

  /**
   * A client's connection is lost: its connections are kept for the grace period, waiting for it to come back (ICE
   * restart, or a rejoin of the same identity: then {@link #onClientReconnected}).
   */
  default void onClientReconnecting(ClientConnection client, String reason) {}

  /** A client whose connection was lost is back; its connections carry on. */
  default void onClientReconnected(ClientConnection client) {}

  /** A client left: its bridge closed (it left, was disconnected, or did not come back within the grace period). */
  default void onClientLeft(ClientConnection client, String reason) {}
}

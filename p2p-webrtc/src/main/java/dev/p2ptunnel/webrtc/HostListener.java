package dev.p2ptunnel.webrtc;

/**
 * Events of a {@link HostTunnel}, for logs and user interfaces. Called on the host's own threads (never a native
 * one), possibly concurrently for different clients; return quickly. All methods do nothing by default.
 */
public interface HostListener {
  /** A client was approved and is connecting. */
  default void onClientJoined(ClientConnection client) {}

  /** A join request was refused; {@code reason} is what the client is told. */
  default void onClientRejected(String clientName, String reason) {}

  /** An approved client's DataChannel opened: it can now carry connections. */
  default void onClientOpened(ClientConnection client) {}

  /** A client's session ended. */
  default void onClientLeft(ClientConnection client, String reason) {}
}

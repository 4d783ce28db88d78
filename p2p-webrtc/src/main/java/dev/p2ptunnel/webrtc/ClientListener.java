package dev.p2ptunnel.webrtc;

/**
 * Events of a {@link ClientTunnel}'s join, for user interfaces. Called on the tunnel's callback executor
 * ({@link ClientOptions.Builder#callbackExecutor}; by default its own thread {@code p2p-tunnel-callbacks-client-N},
 * never a native one nor the tunnel's setup thread), in order, once each at most. All methods do nothing by default.
 */
public interface ClientListener {
  /**
   * The short authentication code is known: show it now, the host's person compares it before approving (through a
   * signaling server the host asks now; offline, once the channel is open).
   */
  default void onShortAuthString(String code) {}

  /** The host runs without the pairing extension (the original app): there is no code to compare. */
  default void onNoShortAuthString() {}

  /** The host approved; the tunnel is connecting or, offline, about to carry connections. */
  default void onApproved() {}
}

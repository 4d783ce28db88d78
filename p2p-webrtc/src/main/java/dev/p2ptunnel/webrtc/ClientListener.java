package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.SharedService;
import java.util.List;

/**
 * Events of a {@link ClientTunnel}'s join and mappings, for user interfaces. The join's events are called on the
 * tunnel's setup thread (never a native one), once each at most; the mappings' on the tunnel's bridge thread. Return
 * quickly. All methods do nothing by default.
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

  /**
   * The host's list of services arrived (once the tunnel is open) or changed (the host shared or withdrew one). Called
   * on the tunnel's bridge thread; return quickly.
   */
  default void onServices(List<SharedService> services) {}

  /** A mapping is in place: applications may use {@code port.local()}. Called on the tunnel's bridge thread. */
  default void onMapped(MappedPort port) {}

  /**
   * A mapping of {@link ClientOptions#mappings()} or {@link ClientOptions#mapAll()} could not be made, saying why (a
   * port in use, a service the host does not share). Called on the tunnel's bridge thread.
   */
  default void onMappingFailed(Mapping mapping, String reason) {}
}

package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.SharedService;
import java.util.List;

/**
 * Events of a {@link ClientTunnel}'s join, its reconnections and its mappings, for user interfaces. Called on the
 * tunnel's callback executor ({@link ClientOptions.Builder#callbackExecutor}; by default its own thread
 * {@code p2p-tunnel-callbacks-client-N}, never a native one nor the tunnel's setup, reconnect or bridge thread), in
 * order. The join's events come once per join: again for every rejoin. All methods do nothing by default.
 *
 * <p>{@link TunnelListener} reports the same events as one stream ({@link TunnelEvent}), with the tunnel's own, the
 * sockets' and the errors; its events are made from these calls, so both hear the same.
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
   * The connection to the host is lost ({@link TunnelHandle.State#RECONNECTING}): every connection is kept while the
   * tunnel gets its path back by itself (ICE restarts, rejoins); new local connections wait.
   *
   * @param reason what was seen
   * @param needsPerson whether a person must act: offline, a rejoin is a new token exchange (the new offer token is
   *     printed by the signaling, and the host person must paste it)
   */
  default void onConnectionLost(String reason, boolean needsPerson) {}

  /**
   * A rejoin attempt failed (the host or the signaling is not reachable yet, the host is busy); another follows after
   * {@code retryIn} (zero: none, offline).
   */
  default void onRejoinFailed(String reason, java.time.Duration retryIn) {}

  /**
   * The host is back: {@code resumed} connections carry on with nothing lost; {@code closed} were closed because the
   * host no longer had them (it restarted).
   */
  default void onConnectionRestored(int resumed, int closed) {}

  /**
   * The host's list of services arrived (once the tunnel is open) or changed (the host shared or withdrew one).
   */
  default void onServices(List<SharedService> services) {}

  /** A mapping is in place: applications may use {@code port.local()}. */
  default void onMapped(MappedPort port) {}

  /**
   * A mapping of {@link ClientOptions#mappings()} or {@link ClientOptions#mapAll()} could not be made, saying why (a
   * port in use, a service the host does not share).
   */
  default void onMappingFailed(Mapping mapping, String reason) {}
}

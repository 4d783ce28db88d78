package dev.p2ptunnel.webrtc;

/**
 * Every event of a tunnel end as one stream: its lifecycle, its clients (host), the join (client), its sockets and its
 * errors; set with {@link HostOptions.Builder#events} or {@link ClientOptions.Builder#events}. Called on the tunnel's
 * callback executor (by default its own thread {@code p2p-tunnel-callbacks-host-N} or
 * {@code p2p-tunnel-callbacks-client-N}; {@code callbackExecutor} in the options replaces it), one call at a time when
 * that executor runs tasks in order, in the order the events happened; never on a native thread, nor on the threads
 * that take joins, run the bridge or reconnect: a slow listener delays the next events, not the tunnel. A listener may
 * call back into the tunnel (close it, close a client). What it throws is logged and ignored.
 *
 * <p>{@link HostListener} and {@link ClientListener} report the same join and reconnection events one method each;
 * both may be set, and each hears every event of its kind.
 */
@FunctionalInterface
public interface TunnelListener {
  /** One event; {@link TunnelEvent#kind()} says which, and which of its fields are set. */
  void onEvent(TunnelEvent event);
}

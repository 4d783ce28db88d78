package dev.p2ptunnel.demo;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One sample of a running host or client, for the status line and {@code --stats-json}; bytes are application
 * data through the tunnel. Immutable. Jackson writes it field by field, so renaming a component changes the JSON.
 *
 * @param time ISO-8601 instant of the sample
 * @param role {@code host} or {@code client}
 * @param state client: {@code CONNECTING}, {@code OPEN}, {@code RECONNECTING} or {@code CLOSED}; host: {@code OPEN}
 *     while a client is connected, {@code RECONNECTING} while every client it has is reconnecting, else
 *     {@code WAITING}
 * @param path {@code direct}, {@code relayed}, {@code mixed} (host, clients on both), or null before it is known
 * @param clients connected clients (1 or 0 on the client)
 * @param maxClients how many may be connected at once
 * @param bytesUpPerSecond bytes per second sent to the peer(s) since the previous sample
 * @param bytesDownPerSecond bytes per second received from the peer(s) since the previous sample
 * @param bytesUp bytes sent to the peer(s) since start
 * @param bytesDown bytes received from the peer(s) since start
 * @param openSockets TCP connections carried now
 * @param totalSockets TCP connections carried since start
 * @param errors problems by kind, summed over the connected peers
 * @param reconnectingSeconds while {@code RECONNECTING}, for how many seconds; else null
 * @param openFlows UDP flows (source addresses of the client's applications) open now
 * @param signalingUnreachableSeconds host: while its signaling server is unreachable, for how many seconds; else null
 */
record StatusSnapshot(
    String time,
    String role,
    String state,
    @Nullable String path,
    int clients,
    int maxClients,
    long bytesUpPerSecond,
    long bytesDownPerSecond,
    long bytesUp,
    long bytesDown,
    int openSockets,
    long totalSockets,
    Map<String, Long> errors,
    @Nullable Long reconnectingSeconds,
    int openFlows,
    @Nullable Long signalingUnreachableSeconds) {

  /** Copies the error map. */
  StatusSnapshot {
    errors = Map.copyOf(errors);
  }

  /** The signaling server reachable (or none). */
  StatusSnapshot(String time, String role, String state, @Nullable String path, int clients, int maxClients,
      long bytesUpPerSecond, long bytesDownPerSecond, long bytesUp, long bytesDown, int openSockets,
      long totalSockets, Map<String, Long> errors, @Nullable Long reconnectingSeconds, int openFlows) {
    this(time, role, state, path, clients, maxClients, bytesUpPerSecond, bytesDownPerSecond, bytesUp, bytesDown,
        openSockets, totalSockets, errors, reconnectingSeconds, openFlows, null);
  }

  /** Not reconnecting, without UDP flows. */
  StatusSnapshot(String time, String role, String state, @Nullable String path, int clients, int maxClients,
      long bytesUpPerSecond, long bytesDownPerSecond, long bytesUp, long bytesDown, int openSockets,
      long totalSockets, Map<String, Long> errors) {
    this(time, role, state, path, clients, maxClients, bytesUpPerSecond, bytesDownPerSecond, bytesUp, bytesDown,
        openSockets, totalSockets, errors, null, 0, null);
  }
}

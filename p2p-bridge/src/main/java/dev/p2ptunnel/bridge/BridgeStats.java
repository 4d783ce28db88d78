package dev.p2ptunnel.bridge;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A consistent snapshot of a bridge's counters, taken on its loop thread. Bytes count application data (DATA
 * payloads); messages count every channel message, control included. Rates are for the reader to derive from two
 * snapshots and their {@link #takenAtNanos()}. Its size does not depend on the number of sockets: the per-socket view
 * is {@link Bridge#socketStats()}.
 *
 * @param takenAtNanos the bridge's clock ({@link System#nanoTime()} unless a test drives it) when the snapshot was
 *     taken
 * @param bytesToPeer application bytes read from local sockets and sent to the peer
 * @param bytesFromPeer application bytes received from the peer
 * @param messagesToPeer channel messages sent
 * @param messagesFromPeer channel messages received
 * @param openSockets logical sockets open now
 * @param totalSockets logical sockets opened since the bridge started
 * @param features extensions in use ({@code Extensions.FEATURE_*} bits), 0 with an original peer or before the
 *     peer's first message
 * @param errors counts of problems by kind, in the order of {@link ErrorKind}; kinds that never happened are absent
 */
public record BridgeStats(
    long takenAtNanos,
    long bytesToPeer,
    long bytesFromPeer,
    long messagesToPeer,
    long messagesFromPeer,
    int openSockets,
    long totalSockets,
    int features,
    Map<ErrorKind, Long> errors) {

  /** Makes the map an immutable copy, iterated in the order of {@link ErrorKind}. */
  public BridgeStats {
    errors = errors.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(errors));
  }

  /** Application bytes per second sent to the peer between {@code earlier} and this snapshot. */
  public double bytesToPeerPerSecond(BridgeStats earlier) {
    return rate(bytesToPeer - earlier.bytesToPeer, earlier);
  }

  /** Application bytes per second received from the peer between {@code earlier} and this snapshot. */
  public double bytesFromPeerPerSecond(BridgeStats earlier) {
    return rate(bytesFromPeer - earlier.bytesFromPeer, earlier);
  }

  private double rate(long delta, BridgeStats earlier) {
    long nanos = takenAtNanos - earlier.takenAtNanos;
    return nanos <= 0 ? 0 : delta * 1e9 / nanos;
  }

  /**
   * One logical socket, as listed by {@link Bridge#socketStats()}.
   *
   * @param socketId its id
   * @param bytesToPeer bytes read from the local socket and sent
   * @param bytesFromPeer bytes received from the peer for it
   * @param pendingBytes bytes received and not yet written to the local socket
   * @param sendCredit bytes it may still send before the peer grants more ({@code Long.MAX_VALUE} without flow
   *     control)
   * @param ageMillis how long it has been open
   */
  public record SocketStats(
      int socketId, long bytesToPeer, long bytesFromPeer, long pendingBytes, long sendCredit, long ageMillis) {}

  /**
   * One UDP flow (one source address of the client's application, with its own socket on the host), as listed by
   * {@link Bridge#flowStats()}. Its datagrams also count in the bridge's bytes and messages.
   *
   * @param flowId its id, shared by both sides
   * @param service the service's name
   * @param address client: the application's source address; host: the address of the host's own socket for it (the
   *     source the service sees)
   * @param datagramsToPeer datagrams sent to the peer
   * @param datagramsFromPeer datagrams received from the peer and handed to the local socket
   * @param bytesToPeer payload bytes of {@code datagramsToPeer}
   * @param bytesFromPeer payload bytes of {@code datagramsFromPeer}
   * @param dropped datagrams of this flow dropped either way (too large, queue full, socket would not take it)
   * @param ageMillis how long it has existed
   * @param idleMillis how long since its last datagram either way (it closes at
   *     {@link BridgeConfig#udpIdleTimeout()})
   */
  public record FlowStats(int flowId, String service, InetSocketAddress address, long datagramsToPeer,
      long datagramsFromPeer, long bytesToPeer, long bytesFromPeer, long dropped, long ageMillis, long idleMillis) {}
}

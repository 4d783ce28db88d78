package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One UDP flow: one source address of the client's application and its service. On the host it owns a socket of
 * its own, connected to the service, so that replies come back to this flow and to no other; on the client it names
 * the application's address on a mapped port. Counts its datagrams both ways. Loop thread only.
 */
final class Flow implements Selectable {
  final int id;
  final int serviceId;
  final String service;
  final long openedNanos;
  /** Client: the application's address; host: the host socket's own address. */
  final InetSocketAddress address;
  /** Host: the flow's socket, connected to the service; client: null. */
  final @Nullable DatagramChannel socket;
  /** Host: the socket's key; client: null. */
  final @Nullable SelectionKey key;
  /** Host: the service's address, the only source its socket accepts; client: null. */
  @Nullable InetSocketAddress target;
  /** Client: the mapped port the application sent to; host: null. */
  final @Nullable UdpClient.Port port;
  private final UdpSide side;
  long lastNanos;
  long datagramsToPeer;
  long datagramsFromPeer;
  long bytesToPeer;
  long bytesFromPeer;
  long dropped;
  boolean closed;

  Flow(UdpSide side, int id, int serviceId, String service, InetSocketAddress address,
      @Nullable DatagramChannel socket, @Nullable SelectionKey key, @Nullable UdpClient.Port port, long nowNanos) {
    this.side = side;
    this.id = id;
    this.serviceId = serviceId;
    this.service = service;
    this.address = address;
    this.socket = socket;
    this.key = key;
    this.port = port;
    this.openedNanos = nowNanos;
    this.lastNanos = nowNanos;
  }

  @Override
  public void ready(java.nio.channels.SelectionKey ready) {
    side.readable(this);
  }

  BridgeStats.FlowStats stats(long nowNanos) {
    return new BridgeStats.FlowStats(id, service, address, datagramsToPeer, datagramsFromPeer, bytesToPeer,
        bytesFromPeer, dropped, TimeUnit.NANOSECONDS.toMillis(nowNanos - openedNanos),
        TimeUnit.NANOSECONDS.toMillis(nowNanos - lastNanos));
  }

  @Override
  public String toString() {
    return "flow " + id + " (" + service + ", " + address + ")";
  }
}

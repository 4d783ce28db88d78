package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** The engine's counters; written and snapshotted on the loop thread only. */
final class Counters {
  int openSockets;
  long totalSockets;
  long bytesToPeer;
  long bytesFromPeer;
  long messagesToPeer;
  long messagesFromPeer;
  private final TreeMap<String, Long> errors = new TreeMap<>();

  /** One more problem of {@code kind}, e.g. {@code OVERFLOW} or a {@code ProtocolException.Reason} name. */
  void count(String kind) {
    errors.merge(kind, 1L, Long::sum);
  }

  BridgeStats snapshot(int features) {
    return new BridgeStats(System.nanoTime(), bytesToPeer, bytesFromPeer, messagesToPeer, messagesFromPeer,
        openSockets, totalSockets, features, errors);
  }

  static List<BridgeStats.SocketStats> sockets(Stream[] streams) {
    long now = System.nanoTime();
    List<BridgeStats.SocketStats> sockets = new ArrayList<>();
    for (Stream s : streams) {
      if (s != null) {
        sockets.add(new BridgeStats.SocketStats(s.id, s.bytesToPeer, s.bytesFromPeer, s.pendingBytes,
            s.sendCredit, TimeUnit.NANOSECONDS.toMillis(now - s.openedNanos)));
      }
    }
    return List.copyOf(sockets);
  }
}

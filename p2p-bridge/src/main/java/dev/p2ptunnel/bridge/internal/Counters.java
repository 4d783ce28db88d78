package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import java.util.EnumMap;

/** The bridge's counters, O(1) to snapshot whatever the number of sockets. Written and read on the loop thread only. */
final class Counters {
  int openSockets;
  long totalSockets;
  long bytesToPeer;
  long bytesFromPeer;
  long messagesToPeer;
  long messagesFromPeer;
  private final EnumMap<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);

  void count(ErrorKind kind) {
    errors.merge(kind, 1L, Long::sum);
  }

  long errors(ErrorKind kind) {
    return errors.getOrDefault(kind, 0L);
  }

  BridgeStats snapshot(long nowNanos, int features) {
    return new BridgeStats(nowNanos, bytesToPeer, bytesFromPeer, messagesToPeer, messagesFromPeer, openSockets,
        totalSockets, features, errors);
  }
}

package dev.p2ptunnel.micrometer;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import java.util.EnumMap;
import java.util.Map;

/** Counter values summed over one or more bridges. Not thread-safe: owned by whoever builds it. */
final class Totals {
  long bytesToPeer;
  long bytesFromPeer;
  long messagesToPeer;
  long messagesFromPeer;
  long socketsOpened;
  long socketsOpen;
  final Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);

  Totals add(BridgeStats stats) {
    bytesToPeer += stats.bytesToPeer();
    bytesFromPeer += stats.bytesFromPeer();
    messagesToPeer += stats.messagesToPeer();
    messagesFromPeer += stats.messagesFromPeer();
    socketsOpened += stats.totalSockets();
    socketsOpen += stats.openSockets();
    stats.errors().forEach((kind, count) -> errors.merge(kind, count, Long::sum));
    return this;
  }

  Totals add(Totals other) {
    bytesToPeer += other.bytesToPeer;
    bytesFromPeer += other.bytesFromPeer;
    messagesToPeer += other.messagesToPeer;
    messagesFromPeer += other.messagesFromPeer;
    socketsOpened += other.socketsOpened;
    socketsOpen += other.socketsOpen;
    other.errors.forEach((kind, count) -> errors.merge(kind, count, Long::sum));
    return this;
  }

  long errors(ErrorKind kind) {
    return errors.getOrDefault(kind, 0L);
  }
}

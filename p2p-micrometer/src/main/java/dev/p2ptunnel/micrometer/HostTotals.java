package dev.p2ptunnel.micrometer;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.ClientConnection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A host's counters as monotonic totals: the sum over its clients, counting clients that left with what they had
 * carried when they left (the host's own {@code stats()} sums only the clients connected now, so its bytes would
 * fall when one leaves). Every client is followed from the first read that sees it until it has closed.
 * Thread-safe: one lock.
 */
final class HostTotals {
  private final Supplier<List<ClientConnection>> clients;
  private final Map<ClientConnection, @Nullable BridgeStats> followed = new IdentityHashMap<>();
  private final Totals retired = new Totals();

  HostTotals(Supplier<List<ClientConnection>> clients) {
    this.clients = clients;
  }

  synchronized Totals now() {
    for (ClientConnection client : clients.get()) {
      if (!followed.containsKey(client)) {
        followed.put(client, client.stats());
        client.closed().whenComplete((reason, error) -> retire(client));
      }
    }
    Totals sum = new Totals().add(retired);
    for (Map.Entry<ClientConnection, @Nullable BridgeStats> entry : followed.entrySet()) {
      BridgeStats stats = entry.getKey().stats();
      if (stats == null) {
        stats = entry.getValue();
      } else {
        entry.setValue(stats);
      }
      if (stats != null) {
        sum.add(stats);
      }
    }
    return sum;
  }

  /** How many clients are connected or connecting now. */
  synchronized int clients() {
    return clients.get().size();
  }

  private synchronized void retire(ClientConnection client) {
    if (!followed.containsKey(client)) {
      return;
    }
    BridgeStats last = client.stats();
    if (last == null) {
      last = followed.get(client);
    }
    followed.remove(client);
    if (last != null) {
      Totals gone = new Totals().add(last);
      gone.socketsOpen = 0; // a client that left holds no socket
      retired.add(gone);
    }
  }
}

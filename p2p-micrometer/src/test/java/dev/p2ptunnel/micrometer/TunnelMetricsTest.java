package dev.p2ptunnel.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.webrtc.ClientConnection;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.TunnelHandle;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The meters a registry reads, over stand-in clients whose counters the test sets. */
class TunnelMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** A client of a host whose stats the test sets; closes when told. */
  private static final class FakeClient implements ClientConnection {
    volatile @Nullable BridgeStats stats;
    final CompletableFuture<String> closed = new CompletableFuture<>();

    @Override
    public String clientName() {
      return "fake";
    }

    @Override
    public @Nullable String shortAuthString() {
      return null;
    }

    @Override
    public @Nullable String clientAddress() {
      return null;
    }

    @Override
    public String clientFingerprint() {
      return "sha-256 AB";
    }

    @Override
    public boolean trusted() {
      return false;
    }

    @Override
    public TunnelHandle.State state() {
      return closed.isDone() ? TunnelHandle.State.CLOSED : TunnelHandle.State.OPEN;
    }

    @Override
    public java.time.@Nullable Instant reconnectingSince() {
      return null;
    }

    @Override
    public java.util.List<BridgeStats.FlowStats> flowStats() {
      return java.util.List.of();
    }

    @Override
    public @Nullable BridgeStats stats() {
      return stats;
    }

    @Override
    public CompletableFuture<PathType> path() {
      return CompletableFuture.completedFuture(PathType.DIRECT);
    }

    @Override
    public CompletableFuture<String> closed() {
      return closed;
    }

    @Override
    public void close() {
      closed.complete("closed");
    }
  }

  private static BridgeStats stats(long toPeer, long fromPeer, int open, long total, Map<ErrorKind, Long> errors) {
    return new BridgeStats(System.nanoTime(), toPeer, fromPeer, toPeer / 100, fromPeer / 100, open, total, 0, errors);
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void shouldSumTheHostsClientsAndKeepWhatALeavingClientCarried() {
    List<ClientConnection> clients = new CopyOnWriteArrayList<>();
    HostTotals totals = new HostTotals(() -> List.copyOf(clients));
    new TunnelMetrics("host", "minecraft", List.of(Tag.of("env", "test")), totals::now, totals::clients,
        () -> TunnelHandle.State.OPEN).bindTo(registry);
    assertEquals(0, counter("p2p.tunnel.bytes", "direction", "to_peer"));
    assertEquals(0, gauge("p2p.tunnel.clients"));

    FakeClient alice = new FakeClient();
    FakeClient bob = new FakeClient();
    alice.stats = stats(1000, 500, 2, 3, Map.of(ErrorKind.SERVICE_REFUSED, 1L));
    bob.stats = stats(200, 100, 1, 1, Map.of());
    clients.add(alice);
    clients.add(bob);
    assertEquals(1200, counter("p2p.tunnel.bytes", "direction", "to_peer", "tunnel", "minecraft", "side", "host",
        "env", "test"));
    assertEquals(600, counter("p2p.tunnel.bytes", "direction", "from_peer"));
    assertEquals(12, counter("p2p.tunnel.messages", "direction", "to_peer"));
    assertEquals(4, counter("p2p.tunnel.sockets.opened"));
    assertEquals(3, gauge("p2p.tunnel.sockets.open"));
    assertEquals(1, counter("p2p.tunnel.errors", "kind", "service_refused"));
    assertEquals(0, counter("p2p.tunnel.errors", "kind", "keepalive_timeout"));
    assertEquals(2, gauge("p2p.tunnel.clients"));
    assertEquals(1, gauge("p2p.tunnel.open"));

    // Alice carries more, then leaves: the host's own stats would drop her; the counters keep her bytes.
    alice.stats = stats(5000, 700, 0, 3, Map.of(ErrorKind.SERVICE_REFUSED, 1L));
    clients.remove(alice);
    alice.close();
    assertEquals(5200, counter("p2p.tunnel.bytes", "direction", "to_peer"));
    assertEquals(800, counter("p2p.tunnel.bytes", "direction", "from_peer"));
    assertEquals(1, gauge("p2p.tunnel.sockets.open"), "a client that left holds no socket");
    assertEquals(1, counter("p2p.tunnel.errors", "kind", "service_refused"));
    assertEquals(1, gauge("p2p.tunnel.clients"));
  }

  @Test
  void shouldReadZeroBeforeAClientTunnelOpens() {
    new TunnelMetrics("client", "ollama", List.of(), () -> TunnelMetrics.clientTotals(null), () -> 0,
        () -> TunnelHandle.State.CONNECTING).bindTo(registry);
    assertEquals(0, counter("p2p.tunnel.bytes", "direction", "to_peer", "side", "client"));
    assertEquals(0, gauge("p2p.tunnel.open"));
    assertEquals(ErrorKind.values().length, registry.find("p2p.tunnel.errors").functionCounters().size());
  }
}

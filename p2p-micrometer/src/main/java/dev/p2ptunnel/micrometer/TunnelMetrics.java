package dev.p2ptunnel.micrometer;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.webrtc.ClientTunnel;
import dev.p2ptunnel.webrtc.HostTunnel;
import dev.p2ptunnel.webrtc.TunnelHandle;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Binds a tunnel's counters to a Micrometer {@link MeterRegistry}, read from its public stats each time the registry
 * reads a meter (nothing runs in between: no thread, no timer). Every meter carries the tags {@code tunnel} (the name
 * given here), {@code side} ({@code host} or {@code client}) and the extra tags given:
 * <ul>
 *   <li>{@code p2p.tunnel.bytes} (counter, bytes; tag {@code direction}: {@code to_peer}, {@code from_peer}): payload
 *       bytes carried;
 *   <li>{@code p2p.tunnel.messages} (counter; {@code direction}): DataChannel messages;
 *   <li>{@code p2p.tunnel.sockets.opened} (counter): TCP connections carried since the start;
 *   <li>{@code p2p.tunnel.sockets.open} (gauge): TCP connections open now;
 *   <li>{@code p2p.tunnel.errors} (counter; tag {@code kind}: an {@link ErrorKind} in lower case): errors by kind,
 *       one series per kind, zero until it happens;
 *   <li>{@code p2p.tunnel.clients} (gauge): a host's clients connected or connecting; for a client tunnel 1 while
 *       open;
 *   <li>{@code p2p.tunnel.open} (gauge): 1 while the tunnel is OPEN, else 0.
 * </ul>
 * A host's counters sum over its clients and keep what a client carried after it left, so they never fall (the
 * registry must read them at least once while a client is connected for it to be counted). Prometheus names them
 * {@code p2p_tunnel_bytes_total} and so on. Thread-safe.
 *
 * <pre>{@code
 * TunnelMetrics.of(host, "minecraft").bindTo(registry);
 * }</pre>
 */
public final class TunnelMetrics implements MeterBinder {
  private final String side;
  private final Tags tags;
  private final Supplier<Totals> totals;
  private final IntSupplier clients;
  private final Supplier<TunnelHandle.State> state;

  TunnelMetrics(String side, String name, Iterable<Tag> extra, Supplier<Totals> totals, IntSupplier clients,
      Supplier<TunnelHandle.State> state) {
    this.side = side;
    this.tags = Tags.of("tunnel", Objects.requireNonNull(name, "name"), "side", side).and(extra);
    this.totals = totals;
    this.clients = clients;
    this.state = state;
  }

  /** The metrics of a host tunnel named {@code name} (the {@code tunnel} tag), with {@code extra} tags. */
  public static TunnelMetrics of(HostTunnel host, String name, Tag... extra) {
    HostTotals totals = new HostTotals(host::clients);
    return new TunnelMetrics("host", name, List.of(extra), totals::now, totals::clients, host::state);
  }

  /** The metrics of a client tunnel named {@code name} (the {@code tunnel} tag), with {@code extra} tags. */
  public static TunnelMetrics of(ClientTunnel client, String name, Tag... extra) {
    return new TunnelMetrics("client", name, List.of(extra), () -> clientTotals(client.stats()),
        () -> client.state() == TunnelHandle.State.OPEN ? 1 : 0, client::state);
  }

  static Totals clientTotals(@Nullable BridgeStats stats) {
    Totals totals = new Totals();
    return stats == null ? totals : totals.add(stats);
  }

  /** Which side these metrics describe: {@code host} or {@code client}. */
  public String side() {
    return side;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(registry, "p2p.tunnel.bytes", "payload bytes carried", "bytes", Tags.of("direction", "to_peer"),
        t -> t.bytesToPeer);
    counter(registry, "p2p.tunnel.bytes", "payload bytes carried", "bytes", Tags.of("direction", "from_peer"),
        t -> t.bytesFromPeer);
    counter(registry, "p2p.tunnel.messages", "DataChannel messages", "messages", Tags.of("direction", "to_peer"),
        t -> t.messagesToPeer);
    counter(registry, "p2p.tunnel.messages", "DataChannel messages", "messages", Tags.of("direction", "from_peer"),
        t -> t.messagesFromPeer);
    counter(registry, "p2p.tunnel.sockets.opened", "TCP connections carried since the start", "connections",
        Tags.empty(), t -> t.socketsOpened);
    for (ErrorKind kind : ErrorKind.values()) {
      counter(registry, "p2p.tunnel.errors", "errors by kind", "errors",
          Tags.of("kind", kind.name().toLowerCase(Locale.ROOT)), t -> t.errors(kind));
    }
    Gauge.builder("p2p.tunnel.sockets.open", totals, s -> s.get().socketsOpen).tags(tags)
        .description("TCP connections open now").baseUnit("connections").strongReference(true).register(registry);
    Gauge.builder("p2p.tunnel.clients", clients, IntSupplier::getAsInt).tags(tags)
        .description("clients connected or connecting").baseUnit("clients").strongReference(true).register(registry);
    Gauge.builder("p2p.tunnel.open", state, s -> s.get() == TunnelHandle.State.OPEN ? 1 : 0).tags(tags)
        .description("1 while the tunnel is open").strongReference(true).register(registry);
  }

  private void counter(MeterRegistry registry, String name, String description, String unit, Tags more,
      ToLongTotals value) {
    ToDoubleFunction<Supplier<Totals>> read = s -> value.of(s.get());
    FunctionCounter.builder(name, totals, read).tags(tags.and(more)).description(description).baseUnit(unit)
        .register(registry);
  }

  /** One counter's value out of the totals. */
  @FunctionalInterface
  private interface ToLongTotals {
    long of(Totals totals);
  }
}

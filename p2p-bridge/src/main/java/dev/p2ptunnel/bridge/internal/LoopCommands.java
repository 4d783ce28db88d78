package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.DatagramTransport;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.bridge.Service;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Where each command to a running loop goes: what comes from the channel to the {@link Carrier}, the application's
 * requests about services, mappings and datagrams to {@link NamedServices}, statistics answered from the loop's
 * state, a close to the loop. (Once the loop has closed, {@link AfterClose} answers instead.) Loop thread only.
 */
final class LoopCommands implements Command.Handler {
  private final Carrier carrier;
  private final NamedServices named;
  private final Streams streams;
  private final Supplier<BridgeStats> snapshot;
  private final Consumer<String> stop;

  LoopCommands(Carrier carrier, NamedServices named, Streams streams, Supplier<BridgeStats> snapshot,
      Consumer<String> stop) {
    this.carrier = carrier;
    this.named = named;
    this.streams = streams;
    this.snapshot = snapshot;
    this.stop = stop;
  }

  @Override
  public void received(ByteBuffer message, int channel) {
    carrier.received(message, channel);
  }

  @Override
  public void writable(int channel) {
    carrier.writable(channel);
  }

  @Override
  public void channelClosed(String reason, int channel) {
    carrier.closed(reason, channel);
  }

  @Override
  public void pathChanged(boolean confirmed, int channel) {
    carrier.pathChanged(confirmed, channel);
  }

  @Override
  public void attach(MessageChannel next) {
    carrier.attach(next);
  }

  @Override
  public void close(String reason) {
    stop.accept(reason);
  }

  @Override
  public void stats(CompletableFuture<BridgeStats> result) {
    result.complete(snapshot.get());
  }

  @Override
  public void socketStats(CompletableFuture<List<BridgeStats.SocketStats>> result) {
    result.complete(streams.socketStats());
  }

  @Override
  public void flowStats(CompletableFuture<List<BridgeStats.FlowStats>> result) {
    result.complete(named.flowStats());
  }

  @Override
  public void servicesChanged() {
    named.servicesChanged();
  }

  @Override
  public void datagramsOpened(@Nullable DatagramTransport transport, @Nullable Throwable failure, int generation) {
    named.datagramsOpened(transport, failure, generation);
  }

  @Override
  public void map(Mapping mapping, CompletableFuture<MappedPort> result) {
    named.map(mapping, result);
  }

  @Override
  public void unmap(InetSocketAddress local, Service.Protocol protocol, CompletableFuture<Boolean> result) {
    result.complete(named.unmap(local, protocol));
  }

  @Override
  public void mappings(CompletableFuture<List<MappedPort>> result) {
    result.complete(named.mappings());
  }
}

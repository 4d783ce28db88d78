package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.DatagramTransport;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.bridge.Service;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The engine's handler for what is left in its queue once the loop has ended: requests get the last answers, the rest
 * is dropped (a channel or datagram transport handed over is closed, as nothing will carry it). Run by whichever
 * thread drains the queue after the close; keeps only the values it was made with.
 */
final class AfterClose implements Command.Handler {
  private final BridgeStats last;
  private final String reason;

  AfterClose(BridgeStats last, String reason) {
    this.last = last;
    this.reason = reason;
  }

  @Override
  public void received(ByteBuffer message, int channel) {}

  @Override
  public void writable(int channel) {}

  @Override
  public void channelClosed(String reason, int channel) {}

  @Override
  public void pathChanged(boolean confirmed, int channel) {}

  @Override
  public void attach(MessageChannel channel) {
    channel.close("the bridge had closed: " + reason); // handed over to the bridge: it must not stay open
  }

  @Override
  public void close(String reason) {}

  @Override
  public void stats(CompletableFuture<BridgeStats> result) {
    result.complete(last);
  }

  @Override
  public void socketStats(CompletableFuture<List<BridgeStats.SocketStats>> result) {
    result.complete(List.of());
  }

  @Override
  public void flowStats(CompletableFuture<List<BridgeStats.FlowStats>> result) {
    result.complete(List.of());
  }

  @Override
  public void servicesChanged() {}

  @Override
  public void datagramsOpened(@Nullable DatagramTransport transport, @Nullable Throwable failure,
      int generation) {
    if (transport != null) {
      transport.close("the bridge closed");
    }
  }

  @Override
  public void map(Mapping mapping, CompletableFuture<MappedPort> result) {
    result.completeExceptionally(new IOException("the bridge closed"));
  }

  @Override
  public void unmap(InetSocketAddress local, Service.Protocol protocol, CompletableFuture<Boolean> result) {
    result.complete(false);
  }

  @Override
  public void mappings(CompletableFuture<List<MappedPort>> result) {
    result.complete(List.of());
  }
}

package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.bridge.DatagramTransport;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.Service;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Everything another thread hands to the loop: messages and signals from the channel, requests from the API. The
 * set is closed, and each command names the {@link Handler} method that takes it, so adding one is a compile error
 * until the loop handles it. What comes from a channel carries that channel's number, so that a replaced channel's
 * late messages are told apart. Immutable; created on any thread, handled on the loop thread.
 */
sealed interface Command {

  /** Calls the handler method for this command. */
  void dispatch(Handler handler);

  /** What the loop does with each command; loop thread only. */
  interface Handler {
    void received(ByteBuffer message, int channel);

    void writable(int channel);

    void channelClosed(String reason, int channel);

    void pathChanged(boolean confirmed, int channel);

    void attach(MessageChannel channel);

    void close(String reason);

    void stats(CompletableFuture<BridgeStats> result);

    void socketStats(CompletableFuture<List<BridgeStats.SocketStats>> result);

    void flowStats(CompletableFuture<List<BridgeStats.FlowStats>> result);

    void servicesChanged();

    void datagramsOpened(@Nullable DatagramTransport transport, @Nullable Throwable failure, int generation);

    void map(Mapping mapping, CompletableFuture<MappedPort> result);

    void unmap(InetSocketAddress local, Service.Protocol protocol, CompletableFuture<Boolean> result);

    void mappings(CompletableFuture<List<MappedPort>> result);
  }

  /** A message from the peer on channel number {@code channel}; the buffer is the loop's to keep. */
  record Received(ByteBuffer message, int channel) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.received(message, channel);
    }
  }

  /** Channel number {@code channel} drained below its low watermark. */
  record Writable(int channel) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.writable(channel);
    }
  }

  /** Channel number {@code channel} closed. */
  record ChannelClosed(String reason, int channel) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.channelClosed(reason, channel);
    }
  }

  /** The transport of channel number {@code channel} confirms the peer now, or no longer does. */
  record PathChanged(boolean confirmed, int channel) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.pathChanged(confirmed, channel);
    }
  }

  /** Someone hands the bridge a new channel to the same peer, replacing the current one (resume). */
  record Attach(MessageChannel channel) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.attach(channel);
    }
  }

  /** Someone asked the bridge to close. */
  record Close(String reason) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.close(reason);
    }
  }

  /** Someone wants a statistics snapshot. */
  record Stats(CompletableFuture<BridgeStats> result) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.stats(result);
    }
  }

  /** Someone wants the per-socket view. */
  record SocketStats(CompletableFuture<List<BridgeStats.SocketStats>> result) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.socketStats(result);
    }
  }

  /** Someone wants the per-flow view. */
  record FlowStats(CompletableFuture<List<BridgeStats.FlowStats>> result) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.flowStats(result);
    }
  }

  /** Host: the registry of services changed. */
  enum ServicesChanged implements Command {
    INSTANCE;

    @Override
    public void dispatch(Handler handler) {
      handler.servicesChanged();
    }
  }

  /**
   * The datagram transport opened ({@code transport}) or could not ({@code failure}), for the channel of
   * {@code generation} (a replaced channel's late transport is closed, not used).
   */
  record DatagramsOpened(@Nullable DatagramTransport transport, @Nullable Throwable failure, int generation)
      implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.datagramsOpened(transport, failure, generation);
    }
  }

  /** Client: map a port. */
  record Map(Mapping mapping, CompletableFuture<MappedPort> result) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.map(mapping, result);
    }
  }

  /** Client: unmap a port. */
  record Unmap(InetSocketAddress local, Service.Protocol protocol, CompletableFuture<Boolean> result)
      implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.unmap(local, protocol, result);
    }
  }

  /** Client: list the mappings. */
  record Mappings(CompletableFuture<List<MappedPort>> result) implements Command {
    @Override
    public void dispatch(Handler handler) {
      handler.mappings(result);
    }
  }
}

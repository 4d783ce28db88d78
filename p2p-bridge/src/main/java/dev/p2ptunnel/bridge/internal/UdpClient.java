package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.protocol.IdAllocator;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client's UDP: its mapped UDP ports, each a bound socket. Every source address that sends to a port is a flow
 * with an id of its own (round-robin, so an id is not reused soon after its flow expired); replies for a flow are sent
 * from the port to that address. Loop thread only.
 */
final class UdpClient extends UdpSide {
  /** One mapped UDP port. */
  final class Port implements Selectable {
    final DatagramChannel channel;
    final Mapping mapping;
    final InetSocketAddress local;
    final SelectionKey key;
    /** The service it reaches, or null while the host does not share it (datagrams are dropped then). */
    @Nullable SharedService service;
    final Map<SocketAddress, Flow> bySource = new HashMap<>();

    Port(DatagramChannel channel, Mapping mapping, InetSocketAddress local, SelectionKey key,
        @Nullable SharedService service) {
      this.channel = channel;
      this.mapping = mapping;
      this.local = local;
      this.key = key;
      this.service = service;
    }

    @Override
    public void ready(SelectionKey ready) {
      readable(this);
    }

    MappedPort view() {
      return new MappedPort(mapping, local, Service.Protocol.UDP, service);
    }
  }

  private final List<Port> ports = new ArrayList<>();
  private final IdAllocator ids = new IdAllocator(0);

  UdpClient(DatagramLink link, DatagramInbox inbox, Selector selector, int maxFlows, Duration idleTimeout,
      Counters counters, Events events, Ticker ticker) {
    super(link, inbox, selector, maxFlows, idleTimeout, counters, events, ticker);
  }

  /** Starts reading {@code channel} (bound) as a mapping to {@code service}. */
  Port add(DatagramChannel channel, Mapping mapping, SharedService service) throws IOException {
    channel.configureBlocking(false);
    SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
    Port port = new Port(channel, mapping, (InetSocketAddress) channel.getLocalAddress(), key, service);
    key.attach(port);
    ports.add(port);
    return port;
  }

  /** The port bound to {@code local}, or null. */
  @Nullable Port find(InetSocketAddress local) {
    for (Port port : ports) {
      if (port.local.equals(local)) {
        return port;
      }
    }
    return null;
  }

  List<Port> ports() {
    return ports;
  }

  /** Stops the mapping: its flows end, its socket closes. */
  void remove(Port port, String reason) {
    ports.remove(port);
    for (Flow flow : new ArrayList<>(port.bySource.values())) {
      close(flow, reason);
    }
    port.key.cancel();
    try {
      port.channel.close();
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "close failed: {0}", e.toString());
    }
  }

  /** The host's list changed: the port now reaches {@code service} (null: none, its flows end). */
  void resolve(Port port, @Nullable SharedService service) {
    if (service == null || port.service == null || service.id() != port.service.id()) {
      for (Flow flow : new ArrayList<>(port.bySource.values())) {
        close(flow, "the host's service changed");
      }
    }
    port.service = service;
  }

  /** A mapped port is readable: every datagram (up to a turn's share) goes to its flow, a new one if needed. */
  void readable(Port port) {
    long now = ticker.nanoTime();
    for (int i = 0; i < READS_PER_TURN && port.channel.isOpen(); i++) {
      ByteBuffer buffer = link.readBuffer();
      int start = buffer.position();
      SocketAddress source;
      try {
        source = port.channel.receive(buffer);
      } catch (IOException e) {
        events.throttled(ErrorKind.LOCAL_IO, BridgeListener.NO_SOCKET, "UDP port " + port.local + ": "
            + LocalIo.describe(e), now);
        return;
      }
      if (source == null) {
        return;
      }
      int length = buffer.position() - start;
      SharedService service = port.service;
      if (service == null) {
        events.throttled(ErrorKind.UNKNOWN_SERVICE, BridgeListener.NO_SOCKET, "datagram to " + port.local
            + " dropped: the host does not share " + port.mapping.service(), now);
        continue;
      }
      Flow flow = port.bySource.get(source);
      if (flow == null) {
        if (flows.size() >= maxFlows || ids.liveCount() == IdAllocator.CAPACITY) {
          events.throttled(ErrorKind.FLOW_LIMIT, BridgeListener.NO_SOCKET, "datagram from a new source " + source
              + " dropped: at most " + maxFlows + " UDP flows at once", now);
          continue;
        }
        flow = new Flow(this, ids.allocate(), service.id(), service.name(), (InetSocketAddress) source, null, null,
            port, now);
        port.bySource.put(source, flow);
        added(flow);
        Events.LOG.log(Level.DEBUG, "{0} opened", flow);
      }
      toPeer(flow, length, now);
    }
  }

  @Override
  void readable(Flow flow) {
    throw new IllegalStateException(flow + ": readable (expected: client flows have no socket of their own)");
  }

  @Override
  void fromPeer(int serviceId, int flowId, ByteBuffer payload, long nowNanos) {
    Flow flow = flows.get(flowId);
    if (flow == null || flow.serviceId != serviceId) {
      events.throttled(ErrorKind.DATAGRAM_DROPPED, BridgeListener.NO_SOCKET, "datagram from the host for flow "
          + flowId + " dropped: no such flow here (it expired)", nowNanos);
      return;
    }
    int length = payload.remaining();
    Port port = Objects.requireNonNull(flow.port);
    try {
      if (port.channel.send(payload, flow.address) == 0 && length > 0) {
        undeliverable(flow, "the port's send buffer is full", nowNanos);
        return;
      }
    } catch (IOException e) {
      undeliverable(flow, "sending to the application failed: " + LocalIo.describe(e), nowNanos);
      return;
    }
    delivered(flow, length, nowNanos);
  }

  @Override
  void ended(Flow flow) {
    Objects.requireNonNull(flow.port).bySource.remove(flow.address);
    ids.free(flow.id);
  }

  @Override
  void shutdown(String reason) {
    for (Port port : new ArrayList<>(ports)) {
      remove(port, reason);
    }
    super.shutdown(reason);
  }
}

package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.HostServices;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The host's UDP: each flow of the client gets a socket of its own, bound to an ephemeral port, so the service sees
 * one source per client application and its replies, read from that socket, go back to that flow alone. The socket
 * is not connected (Java cannot send an empty datagram on a connected one); what arrives on it from anywhere but the
 * service is dropped. A flow for a service that is not shared as UDP is refused
 * (the datagram dropped), as is a new flow beyond {@code maxFlows}. Loop thread only.
 */
final class UdpHost extends UdpSide {
  private final DialPlan plan;

  UdpHost(DialPlan plan, DatagramLink link, DatagramInbox inbox, java.nio.channels.Selector selector, int maxFlows,
      Duration idleTimeout, Counters counters, Events events, Ticker ticker) {
    super(link, inbox, selector, maxFlows, idleTimeout, counters, events, ticker);
    this.plan = plan;
  }

  @Override
  void fromPeer(int serviceId, int flowId, ByteBuffer payload, long nowNanos) {
    Flow flow = flows.get(flowId);
    if (flow != null && flow.serviceId != serviceId) {
      close(flow, "the client reused its id for another service");
      flow = null;
    }
    if (flow == null) {
      flow = open(serviceId, flowId, nowNanos);
      if (flow == null) {
        return;
      }
    }
    int length = payload.remaining();
    try {
      if (Objects.requireNonNull(flow.socket).send(payload, Objects.requireNonNull(flow.target)) == 0 && length > 0) {
        undeliverable(flow, "the socket's send buffer is full", nowNanos);
        return;
      }
    } catch (IOException e) {
      undeliverable(flow, "the service's socket failed: " + LocalIo.describe(e), nowNanos);
      return;
    }
    delivered(flow, length, nowNanos);
  }

  private @Nullable Flow open(int serviceId, int flowId, long nowNanos) {
    DialPlan.Dial dial = plan.datagram(serviceId);
    if (dial instanceof DialPlan.Refused refused) {
      events.throttled(refused.kind(), BridgeListener.NO_SOCKET, "datagram for flow " + flowId + " dropped: "
          + refused.reason(), nowNanos);
      return null;
    }
    DialPlan.Target target = (DialPlan.Target) dial;
    if (flows.size() >= maxFlows) {
      events.throttled(ErrorKind.FLOW_LIMIT, BridgeListener.NO_SOCKET, "datagram for a new flow " + flowId
          + " dropped: the host allows at most " + maxFlows + " UDP flows per client", nowNanos);
      return null;
    }
    DatagramChannel socket = null;
    try {
      socket = DatagramChannel.open(target.address().getAddress() instanceof Inet6Address
          ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
      socket.configureBlocking(false);
      socket.bind(null);
      SelectionKey key = socket.register(selector, SelectionKey.OP_READ);
      Flow flow = new Flow(this, flowId, target.serviceId(), target.name(),
          (InetSocketAddress) socket.getLocalAddress(), socket, key, null, nowNanos);
      flow.target = target.address();
      key.attach(flow);
      added(flow);
      Events.LOG.log(Level.DEBUG, "{0} opened to {1}", flow, target.address());
      return flow;
    } catch (IOException e) {
      if (socket != null) {
        quietly(socket);
      }
      events.throttled(ErrorKind.DATAGRAM_DROPPED, BridgeListener.NO_SOCKET, "cannot open a UDP socket for flow "
          + flowId + " to " + target.name() + ": " + LocalIo.describe(e), nowNanos);
      return null;
    }
  }

  @Override
  void readable(Flow flow) {
    DatagramChannel socket = Objects.requireNonNull(flow.socket);
    long now = ticker.nanoTime();
    for (int i = 0; i < READS_PER_TURN && !flow.closed; i++) {
      ByteBuffer buffer = link.readBuffer();
      int start = buffer.position();
      java.net.SocketAddress from;
      try {
        // receive, not read: read cannot tell an empty datagram from none.
        from = socket.receive(buffer);
      } catch (IOException e) {
        undeliverable(flow, "the flow's socket failed: " + LocalIo.describe(e), now);
        return;
      }
      if (from == null) {
        return;
      }
      if (!from.equals(flow.target)) {
        events.throttled(ErrorKind.DATAGRAM_DROPPED, BridgeListener.NO_SOCKET, "datagram to " + flow
            + " from " + from + " dropped: only the service (" + flow.target + ") may answer a flow", now);
        continue;
      }
      toPeer(flow, buffer.position() - start, now);
    }
  }

  @Override
  void ended(Flow flow) {
    Objects.requireNonNull(flow.key).cancel();
    quietly(Objects.requireNonNull(flow.socket));
  }

  /** The registry changed: flows of services no longer shared close. */
  void servicesChanged(HostServices.Snapshot now) {
    for (Flow flow : new ArrayList<>(flows.values())) {
      if (now.service(flow.serviceId) == null) {
        close(flow, "the host no longer shares " + flow.service);
      }
    }
  }

  private static void quietly(DatagramChannel socket) {
    try {
      socket.close();
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "close failed: {0}", e.toString());
    }
  }
}

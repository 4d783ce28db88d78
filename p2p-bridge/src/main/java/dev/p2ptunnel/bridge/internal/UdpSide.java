package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Datagrams;
import dev.p2ptunnel.protocol.ProtocolException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * UDP in the bridge, what both sides share: the flows by id, their idle expiry and counters, the datagrams from the
 * peer (drained from the {@link DatagramInbox} each turn) and to it (through the {@link DatagramLink}). The local UDP
 * sockets are the loop's, registered with its selector like the TCP sockets, so one thread owns every socket of a
 * bridge. What differs: the host keeps a socket per flow ({@link UdpHost}), the client reads its mapped ports and
 * tells flows apart by source address ({@link UdpClient}). Loop thread only.
 */
abstract sealed class UdpSide permits UdpHost, UdpClient {
  /** How often idle flows are looked for. */
  static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Datagrams read from one ready socket per turn, so that one busy socket cannot keep the loop. */
  static final int READS_PER_TURN = 64;
  /** Datagrams from the peer handled per turn. */
  static final int INBOX_PER_TURN = 256;

  final Map<Integer, Flow> flows = new HashMap<>();
  final DatagramLink link;
  final DatagramInbox inbox;
  final Selector selector;
  final Counters counters;
  final Events events;
  final Ticker ticker;
  final int maxFlows;
  private final long idleNanos;
  private final String idleReason;
  private long nextCheckNanos;

  UdpSide(DatagramLink link, DatagramInbox inbox, Selector selector, int maxFlows, Duration idleTimeout,
      Counters counters, Events events, Ticker ticker) {
    this.link = link;
    this.inbox = inbox;
    this.selector = selector;
    this.maxFlows = maxFlows;
    this.idleNanos = idleTimeout.toNanos();
    this.idleReason = "idle for " + idleTimeout.toMillis() + " ms";
    this.counters = counters;
    this.events = events;
    this.ticker = ticker;
  }

  /** Datagrams from the peer, up to {@link #INBOX_PER_TURN}; returns how much was done. */
  int drainInbox() {
    long now = ticker.nanoTime();
    int work = 0;
    long dropped = inbox.takeDropped();
    if (dropped > 0) {
      for (long i = 0; i < dropped; i++) {
        events.throttled(ErrorKind.DATAGRAM_DROPPED, BridgeListener.NO_SOCKET, "datagram from the peer dropped: the "
            + "bridge's datagram inbox is full (" + DatagramInbox.MAX_MESSAGES + " datagrams)", now);
      }
      work++;
    }
    String closed = inbox.closedReason();
    if (closed != null && link.state() == DatagramLink.State.OPEN) {
      link.closed(closed);
      Events.LOG.log(Level.INFO, "datagram channel closed: {0}", closed);
      work++;
    }
    for (ByteBuffer message; work < INBOX_PER_TURN && (message = inbox.poll()) != null; work++) {
      counters.messagesFromPeer++;
      try {
        Datagrams.validate(message);
      } catch (ProtocolException e) {
        events.throttled(ErrorKind.TRUNCATED, BridgeListener.NO_SOCKET, e.getMessage(), now);
        continue;
      }
      if (Datagrams.kind(message) != Datagrams.KIND_DATAGRAM) {
        continue; // a later version's kind of message
      }
      fromPeer(Datagrams.serviceId(message), Datagrams.flowId(message), Datagrams.payload(message), now);
    }
    return work;
  }

  /** A datagram from the peer for {@code flowId} of service {@code serviceId}. */
  abstract void fromPeer(int serviceId, int flowId, ByteBuffer payload, long nowNanos);

  /** A flow's own socket is readable (host). */
  abstract void readable(Flow flow);

  /** {@code flow} ended: the side releases what it held for it. */
  abstract void ended(Flow flow);

  /** Sends the {@code length} bytes just read into {@link DatagramLink#readBuffer()} for {@code flow}. */
  final void toPeer(Flow flow, int length, long nowNanos) {
    switch (link.send(flow.serviceId, flow.id, length)) {
      case SENT:
        flow.datagramsToPeer++;
        flow.bytesToPeer += length;
        flow.lastNanos = nowNanos;
        counters.messagesToPeer++;
        counters.bytesToPeer += length;
        break;
      case TOO_LARGE:
        flow.dropped++;
        events.throttled(ErrorKind.DATAGRAM_TOO_LARGE, BridgeListener.NO_SOCKET, "datagram of " + length
            + " bytes for " + flow + " > max " + link.maxPayload() + " bytes that the datagram channel carries whole;"
            + " dropped (lower the application's packet size)", nowNanos);
        break;
      default:
        flow.dropped++;
        events.throttled(ErrorKind.DATAGRAM_DROPPED, BridgeListener.NO_SOCKET, "datagram of " + length
            + " bytes for " + flow + " dropped: " + (link.state() == DatagramLink.State.OPEN
                ? "the datagram channel's queue is full" : link.notOpenReason()), nowNanos);
        break;
    }
  }

  /** {@code length} bytes from the peer reached the local socket for {@code flow}. */
  final void delivered(Flow flow, int length, long nowNanos) {
    flow.datagramsFromPeer++;
    flow.bytesFromPeer += length;
    flow.lastNanos = nowNanos;
    counters.bytesFromPeer += length;
  }

  /** A datagram from the peer for {@code flow} could not be handed to the local socket. */
  final void undeliverable(Flow flow, String why, long nowNanos) {
    flow.dropped++;
    events.throttled(ErrorKind.DATAGRAM_DROPPED, BridgeListener.NO_SOCKET, "datagram for " + flow + " dropped: " + why,
        nowNanos);
  }

  /** Ends {@code flow}. */
  final void close(Flow flow, String reason) {
    if (flow.closed) {
      return;
    }
    flow.closed = true;
    flows.remove(flow.id);
    ended(flow);
    Events.LOG.log(Level.DEBUG, "{0} closed: {1}", flow, reason);
  }

  /** When {@link #tick} has something to do, or {@code Long.MAX_VALUE}. */
  final long deadlineNanos() {
    return flows.isEmpty() ? Long.MAX_VALUE : nextCheckNanos;
  }

  /** Closes flows idle for the idle timeout; returns how many. */
  final int tick(long nowNanos) {
    if (flows.isEmpty() || nowNanos - nextCheckNanos < 0) {
      return 0;
    }
    nextCheckNanos = nowNanos + CHECK_NANOS;
    int expired = 0;
    for (Flow flow : new ArrayList<>(flows.values())) {
      if (nowNanos - flow.lastNanos >= idleNanos) {
        close(flow, idleReason);
        expired++;
      }
    }
    return expired;
  }

  /** A new flow exists: the idle check runs from now on. */
  final void added(Flow flow) {
    if (flows.isEmpty()) {
      nextCheckNanos = flow.openedNanos + CHECK_NANOS;
    }
    flows.put(flow.id, flow);
  }

  /** One entry per flow. */
  final List<BridgeStats.FlowStats> flowStats() {
    long now = ticker.nanoTime();
    List<BridgeStats.FlowStats> all = new ArrayList<>(flows.size());
    for (Flow flow : flows.values()) {
      all.add(flow.stats(now));
    }
    all.sort((a, b) -> Integer.compare(a.flowId(), b.flowId()));
    return List.copyOf(all);
  }

  /** The bridge closes: every flow and socket, and the channel. */
  void shutdown(String reason) {
    for (Flow flow : new ArrayList<>(flows.values())) {
      close(flow, reason);
    }
    link.close(reason);
  }
}

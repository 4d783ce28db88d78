package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.DatagramTransport;
import dev.p2ptunnel.protocol.Datagrams;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * The bridge's end of the datagram channel: its state (not in use, opening, open, closed), the one buffer local UDP
 * sockets are read into (behind a reserved header, as {@link Outbound} does for DATA), and the size check. Datagrams
 * arriving from local sockets while the channel is still opening (the few milliseconds after the SERVICES list) wait
 * in a small queue of {@value #EARLY_MESSAGES}; everything else that cannot go is dropped, never queued: UDP
 * applications expect loss, not delay. Loop thread only, except the transport's callbacks, which only hand over to
 * the {@link DatagramInbox}.
 */
final class DatagramLink {
  /** Datagrams kept while the channel opens. */
  static final int EARLY_MESSAGES = 32;
  /** The longest datagram a local UDP socket can deliver. */
  static final int MAX_UDP_PAYLOAD = 65_535;

  /** Where the channel is. */
  enum State {
    /** Not negotiated (yet, or the peer has no datagrams). */
    NONE,
    OPENING,
    OPEN,
    CLOSED
  }

  /** What became of a datagram. */
  enum Sent {
    SENT,
    TOO_LARGE,
    DROPPED
  }

  private final DatagramInbox inbox;
  private final ByteBuffer buffer = ByteBuffer.allocate(Datagrams.HEADER_LENGTH + MAX_UDP_PAYLOAD);
  private final ArrayDeque<ByteBuffer> early = new ArrayDeque<>();
  private State state = State.NONE;
  private @Nullable DatagramTransport transport;
  /** The current transport's callbacks; retired when a replaced channel's transport goes (its close is not ours). */
  private @Nullable TransportListener listener;
  private @Nullable String closedReason;

  DatagramLink(DatagramInbox inbox) {
    this.inbox = inbox;
  }

  State state() {
    return state;
  }

  /** Why it is not open, for drop messages. */
  String notOpenReason() {
    return switch (state) {
      case NONE -> "the peer has no datagram channel (an original peer, or one without UDP)";
      case OPENING -> "the datagram channel is still opening";
      case CLOSED -> "the datagram channel closed: " + closedReason;
      case OPEN -> "open";
    };
  }

  /** Longest datagram payload the open channel carries whole, or -1 while it is not open. */
  int maxPayload() {
    DatagramTransport t = transport;
    return state == State.OPEN && t != null ? t.maxMessageLength() - Datagrams.HEADER_LENGTH : -1;
  }

  /** Both sides announced datagrams: the transport is being opened. */
  void opening() {
    if (state == State.NONE) {
      state = State.OPENING;
    }
  }

  /**
   * The transport is open: delivery starts (into the inbox), then what waited is sent.
   *
   * @return datagrams that waited and were too large or dropped now
   */
  int opened(DatagramTransport opened) {
    if (state == State.CLOSED) {
      opened.close("the bridge closed");
      return 0;
    }
    transport = opened;
    state = State.OPEN;
    TransportListener callbacks = new TransportListener(inbox);
    listener = callbacks;
    opened.start(callbacks);
    int lost = 0;
    for (ByteBuffer message; (message = early.poll()) != null; ) {
      if (message.remaining() > opened.maxMessageLength() || !opened.send(message)) {
        lost++;
      }
    }
    return lost;
  }

  /** The transport could not be opened, or closed: datagrams are dropped from now on. */
  void closed(String reason) {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      closedReason = reason;
      early.clear();
    }
  }

  /** The buffer to read one local datagram into: positioned behind the header, limit at the largest datagram. */
  ByteBuffer readBuffer() {
    buffer.clear().position(Datagrams.HEADER_LENGTH);
    return buffer;
  }

  /** Sends the {@code length} bytes just read into {@link #readBuffer()} for service and flow. */
  Sent send(int serviceId, int flowId, int length) {
    DatagramTransport t = transport;
    if (state == State.OPEN && t != null) {
      if (length > t.maxMessageLength() - Datagrams.HEADER_LENGTH) {
        return Sent.TOO_LARGE;
      }
      Datagrams.writeHeader(buffer, 0, serviceId, flowId);
      buffer.limit(Datagrams.HEADER_LENGTH + length).position(0);
      return t.send(buffer) ? Sent.SENT : Sent.DROPPED;
    }
    if (state == State.OPENING && early.size() < EARLY_MESSAGES) {
      ByteBuffer copy = ByteBuffer.allocate(Datagrams.HEADER_LENGTH + length);
      Datagrams.writeHeader(buffer, 0, serviceId, flowId);
      copy.put(0, buffer, 0, Datagrams.HEADER_LENGTH + length);
      early.add(copy);
      return Sent.SENT;
    }
    return Sent.DROPPED;
  }

  /**
   * A new channel replaces the current one (resume extension): the old channel's transport goes with it, quietly
   * (its close does not close the next one), and the state is back to {@link State#NONE} until the new channel's
   * negotiation opens a transport of its own. The UDP flows stay; datagrams meanwhile are dropped, as UDP expects.
   */
  void reset(String reason) {
    TransportListener callbacks = listener;
    if (callbacks != null) {
      callbacks.retired = true;
    }
    listener = null;
    DatagramTransport t = transport;
    transport = null;
    state = State.NONE;
    closedReason = null;
    early.clear();
    inbox.reopen();
    if (t != null) {
      t.close(reason);
    }
  }

  /** The transport's callbacks (its thread): hand over to the inbox, unless retired. */
  private static final class TransportListener implements DatagramTransport.Listener {
    private final DatagramInbox inbox;
    volatile boolean retired;

    TransportListener(DatagramInbox inbox) {
      this.inbox = inbox;
    }

    @Override
    public void onMessage(ByteBuffer message) {
      if (!retired) {
        inbox.offer(message);
      }
    }

    @Override
    public void onClosed(String reason) {
      if (!retired) {
        inbox.closed(reason);
      }
    }
  }

  /** The bridge closes: so does the transport. */
  void close(String reason) {
    DatagramTransport t = transport;
    closed(reason);
    if (t != null) {
      t.close(reason);
    }
  }
}

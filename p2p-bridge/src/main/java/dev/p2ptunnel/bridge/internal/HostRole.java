package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.ServiceMessages;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.IntConsumer;

/**
 * The host's side: for every CONNECT from the peer, dials the target its {@link DialPlan} names and answers with a
 * CONNECT of its own once the service accepted (the original host's "established" signal), or with CLOSE if it
 * refused or did not accept within the connect timeout. DATA arriving during the dial waits in the socket's pending
 * bytes. A CONNECT for a socket that is still live is ignored ({@link ErrorKind#DUPLICATE_CONNECT}). A CONNECT for a
 * service that is not shared, or beyond the client's socket limit, is refused (with a REASON first when the client
 * speaks named services), never dialed. Loop thread only.
 */
final class HostRole implements Role {
  private final DialPlan plan;
  private final long connectTimeoutNanos;
  private final long connectTimeoutMillis;
  private final Streams streams;
  private final Outbound outbound;
  private final FlowControl flow;
  private final Counters counters;
  private final Events events;
  private final Ticker ticker;
  /** The LocalIo that writes what arrived during a dial; set once the engine is assembled. */
  private final LocalIo io;
  /** Dials under way, by deadline (one timeout for all: in order of start). Ended or dialed entries are skipped. */
  private final ArrayDeque<Stream> dialing = new ArrayDeque<>();
  /** Told the id of every CONNECT that opens a socket: a new life of the id (resume drops what it kept of the old). */
  private final IntConsumer newLife;
  private final Negotiation negotiation;
  private final int maxSockets;

  HostRole(DialPlan plan, Duration connectTimeout, int maxSockets, Streams streams, Outbound outbound,
      FlowControl flow, Negotiation negotiation, Counters counters, Events events, Ticker ticker, LocalIo io,
      IntConsumer newLife) {
    this.plan = plan;
    this.maxSockets = maxSockets;
    this.negotiation = negotiation;
    this.connectTimeoutNanos = connectTimeout.toNanos();
    this.connectTimeoutMillis = connectTimeout.toMillis();
    this.streams = streams;
    this.outbound = outbound;
    this.flow = flow;
    this.counters = counters;
    this.events = events;
    this.ticker = ticker;
    this.io = io;
    this.newLife = newLife;
  }

  @Override
  public String name() {
    return "host";
  }

  @Override
  public void register(Selector selector) {
    // Nothing to listen on: the host dials.
  }

  @Override
  public void peerConnect(int socketId, ByteBuffer payload) {
    if (streams.get(socketId) != null) {
      events.error(ErrorKind.DUPLICATE_CONNECT, socketId, "CONNECT for live socket " + socketId + " ignored");
      return;
    }
    newLife.accept(socketId); // before a refusal too: its CLOSE starts a tombstone of the new life
    if (streams.count() >= maxSockets) {
      refuse(socketId, ErrorKind.SOCKET_LIMIT, "the host allows at most " + maxSockets
          + " open connections per client");
      return;
    }
    DialPlan.Dial dial = plan.connect(socketId, payload, negotiation.services());
    if (dial instanceof DialPlan.Refused refused) {
      refuse(socketId, refused.kind(), refused.reason());
      return;
    }
    DialPlan.Target target = (DialPlan.Target) dial;
    SocketChannel socket = null;
    Stream stream = null;
    try {
      socket = SocketChannel.open();
      stream = streams.open(socketId, socket, false);
      stream.serviceId = target.serviceId();
      long grant = flow.initialGrant();
      if (grant > 0) {
        outbound.sendExtension(Extensions.window(socketId, grant));
      }
      counters.totalSockets++;
      if (socket.connect(target.address())) {
        dialed(stream);
      } else {
        stream.dialDeadlineNanos = ticker.nanoTime() + connectTimeoutNanos;
        dialing.addLast(stream);
        stream.updateInterest();
      }
    } catch (IOException e) {
      String reason = "service refused: " + LocalIo.describe(e);
      if (stream != null) {
        streams.abort(stream, ErrorKind.SERVICE_REFUSED, reason);
      } else {
        if (socket != null) {
          try {
            socket.close();
          } catch (IOException closing) {
            Events.LOG.log(Level.DEBUG, "close failed: {0}", closing.toString());
          }
        }
        events.error(ErrorKind.SERVICE_REFUSED, socketId, reason);
        outbound.sendEvent(Frame.EVENT_CLOSE, socketId);
        outbound.resetChunkIds(socketId);
      }
    }
  }

  /**
   * Refuses a CONNECT without dialing: the reason first (when the client reads it), then CLOSE; the socket id's chunk
   * ids start over, as after any end.
   */
  void refuse(int socketId, ErrorKind kind, String reason) {
    newLife.accept(socketId); // a refused CONNECT (rate limit too) is a new life of the id: the old tombstone goes
    events.throttled(kind, socketId, reason, ticker.nanoTime());
    if (negotiation.services()) {
      outbound.sendExtension(ServiceMessages.reason(socketId, reason));
    }
    outbound.sendEvent(Frame.EVENT_CLOSE, socketId);
    outbound.resetChunkIds(socketId);
  }

  /** The registry changed: sockets of services no longer shared close, telling the client why. */
  void servicesChanged(HostServices.Snapshot now) {
    for (Stream stream : streams.live()) {
      if (stream.isLive() && now.service(stream.serviceId) == null) {
        String reason = "the host no longer shares this service";
        if (negotiation.services() && stream.live().abortSendsClose()) {
          outbound.sendExtension(ServiceMessages.reason(stream.id, reason));
        }
        streams.abort(stream, ErrorKind.UNKNOWN_SERVICE, reason);
      }
    }
  }

  @Override
  public void connectable(Stream stream) {
    try {
      if (stream.socket.finishConnect()) {
        dialed(stream);
      }
    } catch (IOException e) {
      streams.abort(stream, ErrorKind.SERVICE_REFUSED, "service refused: " + LocalIo.describe(e));
    }
  }

  private void dialed(Stream stream) {
    stream.connected = true;
    counters.openSockets++;
    outbound.sendEvent(Frame.EVENT_CONNECT, stream.id); // the original host's "established" signal
    try {
      events.socketOpened(stream.id, stream.socket.getRemoteAddress());
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "socket {0}: no remote address: {1}", stream.id, e.toString());
    }
    io.flush(stream); // writes what arrived during the dial, and closes if the peer already did
  }

  @Override
  public void ended(Stream stream) {
    // Socket ids are the client's to allocate and free.
  }

  @Override
  public long deadlineNanos() {
    Stream first = dialing.peekFirst();
    return first == null ? Long.MAX_VALUE : first.dialDeadlineNanos;
  }

  @Override
  public int tick(long nowNanos) {
    int expired = 0;
    Stream first;
    while ((first = dialing.peekFirst()) != null && nowNanos - first.dialDeadlineNanos >= 0) {
      dialing.pollFirst();
      if (first.isLive() && !first.connected) {
        expired++;
        streams.abort(first, ErrorKind.SERVICE_REFUSED,
            "service did not accept within " + connectTimeoutMillis + " ms");
      }
    }
    // Entries of sockets that ended or connected early leave at their deadline; drop them sooner while at the head.
    while ((first = dialing.peekFirst()) != null && (!first.isLive() || first.connected)) {
      dialing.pollFirst();
    }
    return expired;
  }

  @Override
  public void close() {
    dialing.clear();
  }
}

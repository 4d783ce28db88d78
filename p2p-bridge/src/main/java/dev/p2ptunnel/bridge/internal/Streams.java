package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.IdAllocator;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The live sockets by id, and the one place a socket starts ({@link #open}) and ends ({@link #end}): whatever the
 * cause, ending closes (or resets) the local connection, tells the peer when it aborts, releases the socket's memory,
 * id and chunk ids, and reports. Live sockets are also linked in a list, so that what concerns all of them (shutdown,
 * the per-socket view) costs the live ones, not 65 536 slots. Loop thread only.
 */
final class Streams implements HalfClose.Port {
  /** How a socket ends. */
  enum Ending {
    /** Drained and closed cleanly (reset only if bytes were left unwritten). */
    GRACEFUL,
    /** Reset, and the peer told with CLOSE unless either side already sent one. */
    ABORT,
    /** Reset, nothing sent: the bridge closes on purpose or fails (the channel closes anyway). */
    SHUTDOWN,
    /**
     * The socket cannot go on, through no fault of the local application: the peer did not come back within the
     * grace period, or it came back without the socket (it restarted). Nothing is sent; what arrived from the peer is
     * written out, what the application sent since is dropped, and the local connection gets an orderly close (FIN),
     * the reason going to the listener. Reset only if arrived bytes could not be written out at once.
     */
    ORDERLY
  }

  private final Stream[] byId = new Stream[IdAllocator.CAPACITY];
  private @Nullable Stream head;
  private int count;

  private final Selector selector;
  private final Ticker ticker;
  private final FlowControl flow;
  private final Negotiation negotiation;
  private final Outbound outbound;
  private final Limits limits;
  private final Counters counters;
  private final Events events;
  private final Consumer<Stream> ended;
  private Consumer<Stream> opened = stream -> {};

  /** @param ended called for every socket that ended, before the listener hears of it (frees what others hold) */
  Streams(Selector selector, Ticker ticker, FlowControl flow, Negotiation negotiation, Outbound outbound,
      Limits limits, Counters counters, Events events, Consumer<Stream> ended) {
    this.selector = selector;
    this.ticker = ticker;
    this.flow = flow;
    this.negotiation = negotiation;
    this.outbound = outbound;
    this.limits = limits;
    this.counters = counters;
    this.events = events;
    this.ended = ended;
  }

  /** Who hears of every socket that opens, once its credit is set up (resume: it starts keeping what it sends). */
  void onOpen(Consumer<Stream> hook) {
    this.opened = hook;
  }

  /** The live socket with {@code id}, or null. */
  @Nullable Stream get(int id) {
    return byId[id];
  }

  /** Live sockets now. */
  int count() {
    return count;
  }

  /** The live sockets now, newest first (a copy: the caller may end them while it walks the list). */
  List<Stream> live() {
    List<Stream> sockets = new ArrayList<>(count);
    for (Stream s = head; s != null; s = s.next) {
      sockets.add(s);
    }
    return sockets;
  }

  /**
   * A new live socket over {@code socket}, registered with the selector (no interest yet), with its credit set up.
   *
   * @param connected whether the local connection is up already (client) or still being dialed (host)
   * @throws IOException if the socket cannot be configured; nothing is kept then
   */
  Stream open(int id, SocketChannel socket, boolean connected) throws IOException {
    if (byId[id] != null) {
      throw new IllegalStateException("socket id: " + id + " (expected: not live)");
    }
    socket.configureBlocking(false);
    socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
    SelectionKey key = socket.register(selector, 0);
    Stream stream = new Stream(id, socket, key, ticker.nanoTime());
    key.attach(stream);
    stream.connected = connected;
    flow.open(stream.credit);
    byId[id] = stream;
    stream.next = head;
    if (head != null) {
      head.previous = stream;
    }
    head = stream;
    count++;
    negotiation.opened(stream);
    opened.accept(stream);
    return stream;
  }

  /** Ends a socket at once because of {@code kind}: counted, logged, reported, reset, the peer told. */
  void abort(Stream stream, ErrorKind kind, String reason) {
    events.error(kind, stream.id, reason);
    end(stream, reason, Ending.ABORT);
  }

  @Override
  public void finish(Stream stream, String reason) {
    end(stream, reason, Ending.GRACEFUL);
  }

  @Override
  public void shutdownOutput(Stream stream) {
    stream.outputShut = true;
    try {
      stream.socket.shutdownOutput();
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "socket {0}: shutdownOutput failed: {1}", stream.id, e.toString());
    }
  }

  /** The bridge closes: ends every live socket, {@code how} (SHUTDOWN or ORDERLY). */
  void endAll(String reason, Ending how) {
    if (how == Ending.ORDERLY && count > 0) {
      Events.LOG.log(Level.INFO, "closing {0} connection(s) cleanly (FIN after what arrived): {1}", count, reason);
    }
    while (head != null) {
      end(head, reason, how);
    }
  }

  /**
   * The single place a socket ends. An abort, a shutdown, or a socket that still had bytes to deliver is reset, not
   * closed, so that the local application sees an error rather than a clean end of stream it could take for a complete
   * response. {@link Ending#ORDERLY} (the peer did not come back, or came back without the socket) closes with FIN
   * after what arrived, as the peer's own socket would have. Does nothing for a socket that has already ended.
   */
  void end(Stream stream, String reason, Ending how) {
    if (!stream.isLive()) {
      return;
    }
    StreamState.Live state = stream.live();
    if (stream.peerReason != null) {
      reason = "closed by the host: " + stream.peerReason;
    }
    if (how == Ending.ORDERLY && stream.connected) {
      closeOrderly(stream);
    }
    boolean reset = how == Ending.ABORT || how == Ending.SHUTDOWN || !stream.pending.isEmpty();
    if (reset && stream.connected) {
      try {
        stream.socket.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException e) {
        Events.LOG.log(Level.DEBUG, "socket {0}: SO_LINGER failed: {1}", stream.id, e.toString());
      }
    }
    if (how == Ending.ABORT && state.abortSendsClose()) {
      outbound.sendEvent(Frame.EVENT_CLOSE, stream.id);
    }
    stream.end(reason, reset);
    stream.key.cancel();
    try {
      stream.socket.close();
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "socket {0}: close failed: {1}", stream.id, e.toString());
    }
    limits.released(stream.pending.clear());
    unlink(stream);
    if (stream.connected) {
      counters.openSockets--;
    }
    outbound.resetChunkIds(stream.id);
    ended.accept(stream);
    events.socketClosed(stream.id, reason);
  }

  /**
   * Writes out what waits for the local application (without blocking: the peer is gone, so no credit returns),
   * sends FIN after it, then reads and drops whatever the application sent that was not read yet: closing a socket
   * with unread input would make the kernel send a reset instead of the FIN.
   */
  private void closeOrderly(Stream stream) {
    try {
      long written = stream.pending.writeTo(stream.socket);
      limits.released(written);
      stream.bytes.toLocal += written;
      if (!stream.pending.isEmpty()) {
        return; // the application does not read: the bytes cannot all arrive, so it gets a reset
      }
      if (!stream.outputShut) {
        stream.outputShut = true;
        stream.socket.shutdownOutput();
      }
      ByteBuffer unread = ByteBuffer.allocate(16 * 1024);
      for (int i = 0; i < 1024 && stream.socket.read(unread) > 0; i++) { // bounded: the application may not stop
        unread.clear();
      }
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "socket {0}: orderly close failed: {1}", stream.id, e.toString());
    }
  }

  /** One entry per live socket. */
  List<BridgeStats.SocketStats> socketStats() {
    long now = ticker.nanoTime();
    List<BridgeStats.SocketStats> sockets = new ArrayList<>(count);
    for (Stream s = head; s != null; s = s.next) {
      sockets.add(new BridgeStats.SocketStats(s.id, s.bytes.toPeer, s.bytes.fromPeer, s.pending.bytes(),
          s.credit.send, TimeUnit.NANOSECONDS.toMillis(now - s.openedNanos)));
    }
    return List.copyOf(sockets);
  }

  private void unlink(Stream stream) {
    byId[stream.id] = null;
    if (stream.previous != null) {
      stream.previous.next = stream.next;
    } else {
      head = stream.next;
    }
    if (stream.next != null) {
      stream.next.previous = stream.previous;
    }
    stream.previous = null;
    stream.next = null;
    count--;
  }
}

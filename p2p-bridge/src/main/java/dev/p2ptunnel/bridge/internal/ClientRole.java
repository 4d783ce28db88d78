package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.IdAllocator;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The client's side: accepts local connections, gives each the next free socket id (round-robin, so an id is not
 * reused before the other 65 535; docs/PROTOCOL.md) and opens it with CONNECT. The host's CONNECT answer is its
 * "established" signal and changes nothing here. When accepting fails (typically out of file descriptors) the server
 * socket stays ready, so accepting pauses for {@link #ACCEPT_PAUSE_NANOS} rather than spin. Loop thread only.
 */
final class ClientRole implements Role {
  /** How long to stop accepting after accept() failed. */
  static final long ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final ServerSocketChannel server;
  private final IdAllocator ids;
  private final Streams streams;
  private final Outbound outbound;
  private final FlowControl flow;
  private final Counters counters;
  private final Events events;
  private final Ticker ticker;
  private @Nullable SelectionKey serverKey;
  private boolean acceptPaused;
  private long acceptPausedUntilNanos;

  ClientRole(ServerSocketChannel server, int firstSocketId, Streams streams, Outbound outbound, FlowControl flow,
      Counters counters, Events events, Ticker ticker) {
    this.server = server;
    this.ids = new IdAllocator(firstSocketId);
    this.streams = streams;
    this.outbound = outbound;
    this.flow = flow;
    this.counters = counters;
    this.events = events;
    this.ticker = ticker;
  }

  @Override
  public String name() {
    return "client";
  }

  @Override
  public void register(Selector selector) throws IOException {
    server.configureBlocking(false);
    serverKey = server.register(selector, SelectionKey.OP_ACCEPT); // no attachment: the loop's sign for "accept"
  }

  @Override
  public void acceptable() {
    while (!acceptPaused) {
      SocketChannel socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        events.error(ErrorKind.ACCEPT_FAILED, BridgeListener.NO_SOCKET,
            "accept failed, pausing for " + TimeUnit.NANOSECONDS.toMillis(ACCEPT_PAUSE_NANOS) + " ms: " + e);
        acceptPaused = true;
        acceptPausedUntilNanos = ticker.nanoTime() + ACCEPT_PAUSE_NANOS;
        serverKey().interestOps(0);
        return;
      }
      if (socket == null) {
        return;
      }
      if (ids.liveCount() == IdAllocator.CAPACITY) {
        events.error(ErrorKind.ID_EXHAUSTED, BridgeListener.NO_SOCKET,
            "all " + IdAllocator.CAPACITY + " socket ids are live: refusing a local connection");
        close(socket);
        continue;
      }
      open(socket);
    }
  }

  private void open(SocketChannel socket) {
    int id = ids.allocate();
    Stream stream;
    SocketAddress remote;
    try {
      remote = socket.getRemoteAddress();
      stream = streams.open(id, socket, true);
    } catch (IOException e) {
      ids.free(id);
      close(socket);
      events.error(ErrorKind.ACCEPT_FAILED, id, "cannot set up an accepted connection: " + e);
      return;
    }
    counters.openSockets++;
    counters.totalSockets++;
    outbound.sendEvent(Frame.EVENT_CONNECT, id);
    long grant = flow.initialGrant();
    if (grant > 0) {
      outbound.sendExtension(Extensions.window(id, grant));
    }
    stream.updateInterest();
    events.socketOpened(id, remote);
  }

  @Override
  public void peerConnect(int socketId, ByteBuffer payload) {
    // The host's "established" signal for a live socket; for an unknown one (closed meanwhile) nothing.
    Events.LOG.log(Level.TRACE, "socket {0}: established", socketId);
  }

  @Override
  public void connectable(Stream stream) {
    throw new IllegalStateException("socket " + stream.id + ": connectable (expected: a client never dials)");
  }

  @Override
  public void ended(Stream stream) {
    ids.free(stream.id);
  }

  @Override
  public long deadlineNanos() {
    return acceptPaused ? acceptPausedUntilNanos : Long.MAX_VALUE;
  }

  @Override
  public int tick(long nowNanos) {
    if (!acceptPaused || nowNanos - acceptPausedUntilNanos < 0) {
      return 0;
    }
    acceptPaused = false;
    serverKey().interestOps(SelectionKey.OP_ACCEPT);
    return 1;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "server close failed: {0}", e.toString());
    }
  }

  private SelectionKey serverKey() {
    return Objects.requireNonNull(serverKey, "serverKey");
  }

  private static void close(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "close failed: {0}", e.toString());
    }
  }
}

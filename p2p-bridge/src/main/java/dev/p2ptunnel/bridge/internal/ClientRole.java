package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.IdAllocator;
import dev.p2ptunnel.protocol.ServiceMessages;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The client's side: accepts local connections on its listening ports (one per TCP mapping), gives each the next free
 * socket id (round-robin, so an id is not reused before the other 65 535; docs/PROTOCOL.md) and opens it with a
 * CONNECT that names the mapping's service (empty for the default mapping, as the original protocol). A named mapping
 * accepts only once the host's list has named its service: until then connections wait in the listen backlog; while
 * the host does not share it, they are refused at once. The host's CONNECT answer is its "established" signal and
 * changes nothing here. When accepting fails (typically out of file descriptors) the ports stay ready, so accepting
 * pauses for {@link #ACCEPT_PAUSE_NANOS} rather than spin. Loop thread only.
 */
final class ClientRole implements Role {
  /** How long to stop accepting after accept() failed. */
  static final long ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** {@link Listener#serviceId} of the default mapping: its CONNECTs name no service. */
  static final int DEFAULT = ServiceMessages.DEFAULT_SERVICE;
  /** {@link Listener#serviceId} of a named mapping whose service the host's list does not name (yet). */
  static final int UNRESOLVED = -2;

  /** One listening port. */
  final class Listener implements Selectable {
    final ServerSocketChannel server;
    final Mapping mapping;
    final InetSocketAddress local;
    @Nullable SelectionKey key;
    /** The service its CONNECTs name, {@link #DEFAULT}, or {@link #UNRESOLVED}. */
    int serviceId;
    @Nullable SharedService service;
    /** Whether the host's list was known when it was last resolved (else connections wait in the backlog). */
    boolean listKnown;

    Listener(ServerSocketChannel server, Mapping mapping, InetSocketAddress local, int serviceId,
        @Nullable SharedService service, boolean listKnown) {
      this.server = server;
      this.mapping = mapping;
      this.local = local;
      this.serviceId = serviceId;
      this.service = service;
      this.listKnown = listKnown;
    }

    @Override
    public void ready(SelectionKey ready) {
      accept(this);
    }

    /** Accepting now: not paused, and either the default mapping or the list known. */
    boolean accepting() {
      return !acceptPaused && (serviceId == DEFAULT || listKnown);
    }

    void updateInterest() {
      SelectionKey k = key;
      if (k != null && k.isValid()) {
        k.interestOps(accepting() ? SelectionKey.OP_ACCEPT : 0);
      }
    }

    MappedPort view() {
      return new MappedPort(mapping, local, Service.Protocol.TCP, service);
    }
  }

  private final List<Listener> listeners = new ArrayList<>();
  private final IdAllocator ids;
  private final Streams streams;
  private final Outbound outbound;
  private final FlowControl flow;
  private final Counters counters;
  private final Events events;
  private final Ticker ticker;
  private @Nullable Selector selector;
  private boolean acceptPaused;
  private long acceptPausedUntilNanos;

  /** @param server the default mapping's port (bound), or null for a client with named mappings only */
  ClientRole(@Nullable ServerSocketChannel server, int firstSocketId, Streams streams, Outbound outbound,
      FlowControl flow, Counters counters, Events events, Ticker ticker) throws IOException {
    this.ids = new IdAllocator(firstSocketId);
    this.streams = streams;
    this.outbound = outbound;
    this.flow = flow;
    this.counters = counters;
    this.events = events;
    this.ticker = ticker;
    if (server != null) {
      InetSocketAddress local = (InetSocketAddress) server.getLocalAddress();
      listeners.add(new Listener(server, Mapping.toDefault(local), local, DEFAULT, null, false));
    }
  }

  @Override
  public String name() {
    return "client";
  }

  @Override
  public void register(Selector selector) throws IOException {
    this.selector = selector;
    for (Listener listener : listeners) {
      attach(listener);
    }
  }

  /** Starts listening on {@code server} (bound) for {@code mapping}; see {@link Listener#serviceId}. */
  Listener add(ServerSocketChannel server, Mapping mapping, int serviceId, @Nullable SharedService service,
      boolean listKnown) throws IOException {
    Listener listener = new Listener(server, mapping, (InetSocketAddress) server.getLocalAddress(), serviceId,
        service, listKnown);
    attach(listener);
    listeners.add(listener);
    return listener;
  }

  private void attach(Listener listener) throws IOException {
    listener.server.configureBlocking(false);
    if (selector == null) {
      throw new IllegalStateException("selector: null (expected: register first)");
    }
    listener.key = listener.server.register(selector, 0, listener);
    listener.updateInterest();
  }

  /** Stops listening on {@code listener}'s port; its connections stay. */
  void remove(Listener listener) {
    listeners.remove(listener);
    if (listener.key != null) {
      listener.key.cancel();
    }
    close(listener.server);
  }

  /** The host's list is known (again): {@code listener} reaches {@code service} (null: not shared). */
  void resolve(Listener listener, @Nullable SharedService service) {
    listener.listKnown = true;
    listener.service = service;
    if (listener.serviceId != DEFAULT) {
      listener.serviceId = service == null ? UNRESOLVED : service.id();
    }
    listener.updateInterest();
  }

  List<Listener> listeners() {
    return listeners;
  }

  /** The listener bound to {@code local}, or null. */
  @Nullable Listener find(InetSocketAddress local) {
    for (Listener listener : listeners) {
      if (listener.local.equals(local)) {
        return listener;
      }
    }
    return null;
  }

  private void accept(Listener listener) {
    while (listener.accepting() && listener.server.isOpen()) {
      SocketChannel socket;
      try {
        socket = listener.server.accept();
      } catch (IOException e) {
        events.error(ErrorKind.ACCEPT_FAILED, BridgeListener.NO_SOCKET,
            "accept failed, pausing for " + TimeUnit.NANOSECONDS.toMillis(ACCEPT_PAUSE_NANOS) + " ms: " + e);
        acceptPaused = true;
        acceptPausedUntilNanos = ticker.nanoTime() + ACCEPT_PAUSE_NANOS;
        listeners.forEach(Listener::updateInterest);
        return;
      }
      if (socket == null) {
        return;
      }
      if (listener.serviceId == UNRESOLVED) {
        events.throttled(ErrorKind.UNKNOWN_SERVICE, BridgeListener.NO_SOCKET, "connection to " + listener.local
            + " refused: the host does not share " + listener.mapping.service(), ticker.nanoTime());
        reset(socket);
        continue;
      }
      if (ids.liveCount() == IdAllocator.CAPACITY) {
        events.error(ErrorKind.ID_EXHAUSTED, BridgeListener.NO_SOCKET,
            "all " + IdAllocator.CAPACITY + " socket ids are live: refusing a local connection");
        close(socket);
        continue;
      }
      open(socket, listener.serviceId);
    }
  }

  private void open(SocketChannel socket, int serviceId) {
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
    stream.serviceId = serviceId;
    counters.openSockets++;
    counters.totalSockets++;
    if (serviceId == DEFAULT) {
      outbound.sendEvent(Frame.EVENT_CONNECT, id);
    } else {
      outbound.sendEvent(Frame.EVENT_CONNECT, id, ServiceMessages.connectPayload(serviceId));
    }
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
    listeners.forEach(Listener::updateInterest);
    return 1;
  }

  @Override
  public void close() {
    for (Listener listener : listeners) {
      close(listener.server);
    }
  }

  private static void close(java.nio.channels.Channel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "close failed: {0}", e.toString());
    }
  }

  private static void reset(SocketChannel socket) {
    try {
      socket.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "SO_LINGER failed: {0}", e.toString());
    }
    close(socket);
  }
}

package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Chunker;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.IdAllocator;
import dev.p2ptunnel.protocol.ProtocolException;
import dev.p2ptunnel.protocol.Reassembler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The bridge's engine, either role: one selector loop thread owns every local socket, the protocol state
 * ({@link Chunker}, {@link Reassembler}, ids) and the counters. The channel's callbacks and API calls only enqueue
 * to {@link #commands} and wake the selector.
 *
 * <p>Data path, peer → local: a received message is reassembled, then written to the local socket at once; what the
 * socket does not take is copied to the stream's pending queue and written when it becomes writable. Local → peer:
 * a readable socket is read straight into a message buffer behind a reserved header, which is then written in
 * place and sent (the channel copies it), so the loop reuses one buffer for every send.
 *
 * <p>Back-pressure: when the channel is not writable, no socket is read; with flow control, a socket without
 * send credit is not read either, so a stalled reader stops only its own socket. Thread-safe entry points:
 * {@link #start}, {@link #requestClose}, {@link #stats}; everything else runs on the loop thread.
 */
public final class Engine {
  static final System.Logger LOG = System.getLogger("dev.p2ptunnel.bridge");
  /** While blocked on the channel, also poll its writability this often, in case a signal was missed. */
  private static final long BLOCKED_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** Reads per readable socket per loop turn: amortises the select call, keeps sockets fair. */
  private static final int READS_PER_TURN = 4;
  /** How long to stop accepting after accept() failed. */
  private static final long ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** Commands (mostly received messages) handled per loop turn before the sockets get their turn. */
  private static final int COMMANDS_PER_TURN = 64;

  /** Which side of the tunnel this engine is. */
  public enum Role {
    /** Listens locally and allocates socket ids. */
    CLIENT,
    /** Dials the one target for every CONNECT. */
    HOST
  }

  final Role role;
  private final BridgeConfig config;
  final BridgeListener listener;
  private final MessageChannel channel;
  private final @Nullable ServerSocketChannel server;
  private final @Nullable InetSocketAddress target;
  private final Selector selector;
  private final Thread thread;

  private final ConcurrentLinkedQueue<Object> commands = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private volatile @Nullable BridgeStats finalStats;

  // ----- owned by the loop thread
  private final Chunker chunker = new Chunker();
  private final Reassembler reassembler;
  private final IdAllocator ids = new IdAllocator();
  final Stream[] streams = new Stream[IdAllocator.CAPACITY];
  private final ArrayDeque<Stream> dialing = new ArrayDeque<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(Frame.MAX_FRAME_LENGTH);
  private final Counters counters = new Counters();
  private boolean running = true;
  private boolean peerDecided;
  int features;
  boolean channelWritable = true;
  private long blockedSinceNanos;
  private long lastReceivedNanos;
  private long lastPingNanos;
  private long pingNonce;
  /** Bytes from the peer waiting for local sockets, over all streams. */
  private long pendingBytesTotal;

  private Engine(
      Role role, MessageChannel channel, BridgeConfig config, @Nullable ServerSocketChannel server,
      @Nullable InetSocketAddress target) throws IOException {
    this.role = role;
    this.channel = channel;
    this.config = config;
    this.listener = config.listener();
    this.server = server;
    this.target = target;
    this.selector = Selector.open();
    this.reassembler = new Reassembler(config.reassemblerLimits(), new PeerMessages(this));
    this.thread = new Thread(this::run, "p2p-bridge-" + role.name().toLowerCase(java.util.Locale.ROOT));
    thread.setDaemon(true);
  }

  /** A client engine serving connections accepted by {@code server} (bound, any blocking mode). */
  public static Engine client(MessageChannel channel, ServerSocketChannel server, BridgeConfig config)
      throws IOException {
    return new Engine(Role.CLIENT, channel, config, server, null);
  }

  /** A host engine dialing {@code target} (resolved) for every CONNECT. */
  public static Engine host(MessageChannel channel, InetSocketAddress target, BridgeConfig config)
      throws IOException {
    if (target.isUnresolved()) {
      throw new IllegalArgumentException("target: " + target + " (expected: a resolved address)");
    }
    return new Engine(Role.HOST, channel, config, null, target);
  }

  /** Starts the loop and the channel's delivery. Once. */
  public void start() throws IOException {
    if (server != null) {
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
    }
    lastReceivedNanos = System.nanoTime();
    lastPingNanos = lastReceivedNanos;
    thread.start();
    try {
      channel.start(new ChannelEvents());
    } catch (RuntimeException e) {
      requestClose("channel failed to start: " + e);
      throw e;
    }
  }

  /** Asks the loop to close everything; returns at once. */
  public void requestClose(String reason) {
    enqueue(new Commands.Close(reason));
  }

  /** Waits for the loop to finish after {@link #requestClose}. */
  public void join(Duration timeout) throws InterruptedException {
    if (Thread.currentThread() != thread) {
      thread.join(Math.max(1, timeout.toMillis()));
    }
  }

  /** Completes with the reason once everything is released. */
  public CompletableFuture<String> closedFuture() {
    return closed;
  }

  /** Whether the loop still runs. */
  public boolean isOpen() {
    return !closed.isDone();
  }

  /** A snapshot taken on the loop thread, or the last one once closed. */
  public BridgeStats stats() {
    BridgeStats last = finalStats;
    if (last != null) {
      return last;
    }
    if (Thread.currentThread() == thread) {
      return snapshot();
    }
    return askLoop(Commands.Stats::new, "stats", () -> finalStats);
  }

  /** The open sockets, listed on the loop thread; empty once closed. */
  public List<BridgeStats.SocketStats> socketStats() {
    if (finalStats != null) {
      return List.of();
    }
    if (Thread.currentThread() == thread) {
      return Counters.sockets(streams);
    }
    return askLoop(Commands.SocketStats::new, "socket stats", () -> finalStats != null ? List.of() : null);
  }

  /** Hands the loop {@code command} and waits up to 5 s for its answer; once closed, {@code afterClose}'s. */
  private <T> T askLoop(Function<CompletableFuture<T>, Object> command, String what,
      Supplier<@Nullable T> afterClose) {
    CompletableFuture<T> result = new CompletableFuture<>();
    enqueue(command.apply(result));
    if (finalStats != null && !result.isDone()) {
      // The loop ended meanwhile: set before the last drain of commands, finalStats says ours may have missed it.
      T now = afterClose.get();
      if (now != null) {
        return now;
      }
    }
    try {
      return result.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      T now = afterClose.get();
      if (now != null) {
        return now;
      }
      throw new IllegalStateException("bridge loop did not answer for " + what + " within 5 s", e);
    }
  }

  private void enqueue(Object command) {
    commands.add(command);
    if (!wakeupPending.getAndSet(true)) {
      selector.wakeup();
    }
  }

  // =================================================================================================== the loop

  private void run() {
    String reason = "closed";
    try {
      if (config.extensions()) {
        send(Extensions.hello(Extensions.ALL_FEATURES));
      }
      while (running) {
        wakeupPending.set(false);
        long timeoutMs = nextTimeoutMillis(System.nanoTime());
        if (commands.isEmpty()) {
          selector.select(timeoutMs);
        } else {
          selector.selectNow();
        }
        reason = processCommands(reason);
        if (!running) {
          break;
        }
        processKeys();
        runTimers(System.nanoTime());
        if (keepaliveExpired != null) {
          reason = keepaliveExpired;
          running = false;
        }
      }
    } catch (Throwable t) {
      reason = "bridge failed: " + t;
      LOG.log(Level.ERROR, reason, t);
    } finally {
      shutdown(reason);
    }
  }

  private @Nullable String keepaliveExpired;
  private long acceptPausedUntilNanos;

  private SelectionKey serverKey() {
    return Objects.requireNonNull(Objects.requireNonNull(server).keyFor(selector));
  }

  private String processCommands(String reason) {
    Object command;
    // A bounded batch per turn, so that a peer sending flat out cannot starve the local sockets.
    for (int budget = COMMANDS_PER_TURN; budget > 0 && (command = commands.poll()) != null; budget--) {
      if (command instanceof ByteBuffer message) {
        receive(message);
      } else if (command == Commands.WRITABLE) {
        channelWritable();
      } else if (command instanceof Commands.Stats stats) {
        stats.result().complete(snapshot());
      } else if (command instanceof Commands.SocketStats sockets) {
        sockets.result().complete(Counters.sockets(streams));
      } else if (command instanceof Commands.Close close) {
        running = false;
        return close.reason();
      } else if (command instanceof Commands.ChannelClosed closedChannel) {
        running = false;
        return "channel closed: " + closedChannel.reason();
      }
    }
    return reason;
  }

  private void processKeys() {
    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
    while (keys.hasNext()) {
      SelectionKey key = keys.next();
      keys.remove();
      if (!key.isValid()) {
        continue;
      }
      Object attachment = key.attachment();
      if (attachment == null) {
        acceptAll();
        continue;
      }
      Stream stream = (Stream) attachment;
      int ready = key.readyOps();
      if ((ready & SelectionKey.OP_CONNECT) != 0) {
        finishDial(stream);
        continue;
      }
      if ((ready & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
        flush(stream);
      }
      if ((ready & SelectionKey.OP_READ) != 0 && key.isValid() && streams[stream.id] == stream) {
        readFromLocal(stream);
      }
    }
  }

  private long nextTimeoutMillis(long nowNanos) {
    long wait = TimeUnit.SECONDS.toNanos(1);
    if (!channelWritable) {
      wait = Math.min(wait, BLOCKED_POLL_NANOS);
    }
    if (acceptPausedUntilNanos != 0) {
      wait = Math.min(wait, acceptPausedUntilNanos - nowNanos);
    }
    Stream firstDial = dialing.peekFirst();
    if (firstDial != null) {
      wait = Math.min(wait, firstDial.dialDeadlineNanos - nowNanos);
    }
    if (keepalive()) {
      wait = Math.min(wait, config.keepaliveInterval().toNanos() / 4);
    }
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait));
  }

  private void runTimers(long nowNanos) {
    if (acceptPausedUntilNanos != 0 && nowNanos >= acceptPausedUntilNanos) {
      acceptPausedUntilNanos = 0;
      serverKey().interestOps(SelectionKey.OP_ACCEPT);
    }
    while (!dialing.isEmpty() && dialing.peekFirst().dialDeadlineNanos <= nowNanos) {
      Stream stream = dialing.pollFirst();
      if (streams[stream.id] == stream && stream.dialing) {
        refuse(stream, "service did not accept within " + config.connectTimeout().toMillis() + " ms");
      }
    }
    if (!channelWritable && nowNanos - blockedSinceNanos >= BLOCKED_POLL_NANOS && channel.isWritable()) {
      channelWritable();
    }
    if (keepalive()) {
      long silent = nowNanos - lastReceivedNanos;
      if (silent >= config.keepaliveTimeout().toNanos()) {
        count("KEEPALIVE_TIMEOUT");
        keepaliveExpired = "peer did not answer keepalive within " + config.keepaliveTimeout().toMillis() + " ms";
      } else if (silent >= config.keepaliveInterval().toNanos()
          && nowNanos - lastPingNanos >= config.keepaliveInterval().toNanos()) {
        lastPingNanos = nowNanos;
        send(Extensions.ping(false, ++pingNonce));
      }
    }
  }

  // =================================================================================================== channel

  /** Sends one message; notes when the channel stops being writable. */
  void send(ByteBuffer message) {
    if (!channel.send(message)) {
      return; // closed: the ChannelClosed command follows
    }
    counters.messagesToPeer++;
    if (channelWritable && !channel.isWritable()) {
      channelWritable = false;
      blockedSinceNanos = System.nanoTime();
      for (Stream stream : streams) {
        if (stream != null) {
          updateInterest(stream);
        }
      }
    }
  }

  private void sendEvent(int event, Stream stream) {
    ByteBuffer frame = ByteBuffer.allocate(Frame.HEADER_LENGTH);
    chunker.writeSingleFrameHeader(frame, 0, event, stream.id, 0);
    send(frame);
  }

  private void channelWritable() {
    if (channelWritable) {
      return;
    }
    channelWritable = true;
    for (Stream stream : streams) {
      if (stream != null) {
        updateInterest(stream);
      }
    }
  }

  private void receive(ByteBuffer message) {
    counters.messagesFromPeer++;
    lastReceivedNanos = System.nanoTime();
    if (!peerDecided) {
      int peerFeatures = 0;
      if (config.extensions() && message.remaining() >= Frame.HEADER_LENGTH
          && Frame.event(message) == Frame.EVENT_HELLO) {
        try {
          Frame.validate(message);
          peerFeatures = Extensions.helloFeatures(message);
        } catch (ProtocolException e) {
          LOG.log(Level.WARNING, "malformed HELLO from peer, using the original protocol: {0}", e.getMessage());
        }
      }
      decide(peerFeatures);
    }
    reassembler.accept(message);
  }

  /** The peer's first message tells what it supports: a HELLO, or nothing (an original peer). */
  private void decide(int peerFeatures) {
    peerDecided = true;
    features = config.extensions() ? peerFeatures & Extensions.ALL_FEATURES : 0;
    LOG.log(Level.DEBUG, "peer features {0} -> using {1}", peerFeatures, features);
    for (Stream stream : streams) {
      if (stream == null) {
        continue;
      }
      if (!flowControl()) {
        stream.sendCredit = Long.MAX_VALUE;
      }
      if (stream.eofPending) {
        stream.eofPending = false;
        localEof(stream);
      } else {
        updateInterest(stream);
      }
    }
    emit(() -> listener.onNegotiated(features));
  }

  boolean flowControl() {
    return (features & Extensions.FEATURE_FLOW_CONTROL) != 0;
  }

  boolean halfClose() {
    return (features & Extensions.FEATURE_HALF_CLOSE) != 0;
  }

  boolean keepalive() {
    return (features & Extensions.FEATURE_KEEPALIVE) != 0;
  }

  // =================================================================================================== streams

  private Stream newStream(int id, SocketChannel socket) throws IOException {
    Stream stream = new Stream(id, System.nanoTime());
    stream.socket = socket;
    socket.configureBlocking(false);
    socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
    stream.key = socket.register(selector, 0, stream);
    // Before the peer's first message the client does not know whether flow control is on: it assumes it, which
    // an original peer never notices since the credit is lifted when its first message arrives.
    boolean credit = config.extensions() && (!peerDecided || flowControl());
    stream.sendCredit = credit ? Extensions.INITIAL_WINDOW : Long.MAX_VALUE;
    stream.receiveAllowance = config.receiveWindowBytes();
    streams[id] = stream;
    return stream;
  }

  /** Grants the peer the part of our window above the protocol's initial one. */
  private void grantInitialWindow(Stream stream) {
    long extra = (long) config.receiveWindowBytes() - Extensions.INITIAL_WINDOW;
    if (config.extensions() && (!peerDecided || flowControl()) && extra > 0) {
      send(Extensions.window(stream.id, extra));
    }
  }

  private void acceptAll() {
    ServerSocketChannel listening = Objects.requireNonNull(server);
    while (true) {
      SocketChannel socket;
      try {
        socket = listening.accept();
      } catch (IOException e) {
        // Typically out of file descriptors: the listening socket stays ready, so pause accepting rather than spin.
        count("ACCEPT_FAILED");
        acceptPausedUntilNanos = System.nanoTime() + ACCEPT_PAUSE_NANOS;
        serverKey().interestOps(0);
        LOG.log(Level.WARNING, "accept failed, pausing for 100 ms: {0}", e.toString());
        return;
      }
      if (socket == null) {
        return;
      }
      if (ids.liveCount() == IdAllocator.CAPACITY) {
        count("ID_EXHAUSTED");
        LOG.log(Level.WARNING, "all {0} socket ids are live: refusing a local connection", IdAllocator.CAPACITY);
        closeQuietly(socket);
        continue;
      }
      int id = ids.allocate();
      Stream stream;
      SocketAddress remote;
      try {
        stream = newStream(id, socket);
        remote = socket.getRemoteAddress();
      } catch (IOException e) {
        ids.free(id);
        streams[id] = null;
        closeQuietly(socket);
        count("ACCEPT_FAILED");
        continue;
      }
      stream.connected = true;
      counters.openSockets++;
      counters.totalSockets++;
      sendEvent(Frame.EVENT_CONNECT, stream);
      grantInitialWindow(stream);
      updateInterest(stream);
      emit(() -> listener.onSocketOpened(id, remote));
    }
  }

  /** Host: the peer opened a socket; dial the target. */
  void openFromPeer(int id) {
    if (streams[id] != null) {
      count("DUPLICATE_CONNECT");
      LOG.log(Level.DEBUG, "CONNECT for live socket {0} ignored", id);
      return;
    }
    InetSocketAddress address = Objects.requireNonNull(target);
    SocketChannel socket = null;
    try {
      socket = SocketChannel.open();
      Stream stream = newStream(id, socket);
      grantInitialWindow(stream);
      counters.totalSockets++;
      if (socket.connect(address)) {
        dialed(stream);
      } else {
        stream.dialing = true;
        stream.dialDeadlineNanos = System.nanoTime() + config.connectTimeout().toNanos();
        dialing.addLast(stream);
        updateInterest(stream);
      }
    } catch (IOException e) {
      Stream stream = streams[id];
      if (stream != null) {
        refuse(stream, "service refused: " + describe(e));
      } else {
        closeQuietly(socket);
        count("SERVICE_REFUSED");
        ByteBuffer close = ByteBuffer.allocate(Frame.HEADER_LENGTH);
        chunker.writeSingleFrameHeader(close, 0, Frame.EVENT_CLOSE, id, 0);
        send(close);
        chunker.reset(id);
      }
    }
  }

  private void finishDial(Stream stream) {
    try {
      if (Objects.requireNonNull(stream.socket).finishConnect()) {
        dialed(stream);
      }
    } catch (IOException e) {
      refuse(stream, "service refused: " + describe(e));
    }
  }

  private void dialed(Stream stream) {
    stream.dialing = false;
    dialing.remove(stream);
    stream.connected = true;
    counters.openSockets++;
    // The original host's "established" signal.
    sendEvent(Frame.EVENT_CONNECT, stream);
    InetSocketAddress address = Objects.requireNonNull(target);
    emit(() -> listener.onSocketOpened(stream.id, address));
    flush(stream); // writes what arrived during the dial, and closes if the peer already did

  }

  private void refuse(Stream stream, String reason) {
    count("SERVICE_REFUSED");
    LOG.log(Level.DEBUG, "socket {0}: {1}", stream.id, reason);
    finish(stream, reason, true);
  }

  void updateInterest(Stream stream) {
    SelectionKey key = stream.key;
    if (key == null || !key.isValid()) {
      return;
    }
    int ops;
    if (stream.dialing) {
      ops = SelectionKey.OP_CONNECT;
    } else {
      ops = 0;
      if (stream.reading() && !stream.eofPending && channelWritable && stream.sendCredit > 0) {
        ops |= SelectionKey.OP_READ;
      }
      if (stream.hasPending()) {
        ops |= SelectionKey.OP_WRITE;
      }
    }
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  // ----- local → peer

  private void readFromLocal(Stream stream) {
    SocketChannel socket = Objects.requireNonNull(stream.socket);
    for (int turn = 0; turn < READS_PER_TURN; turn++) {
      if (!stream.reading() || !channelWritable || stream.sendCredit <= 0) {
        break;
      }
      int max = (int) Math.min(Frame.MAX_PAYLOAD_LENGTH, stream.sendCredit);
      readBuffer.limit(Frame.HEADER_LENGTH + max).position(Frame.HEADER_LENGTH);
      int n;
      try {
        n = socket.read(readBuffer);
      } catch (IOException e) {
        abort(stream, "local connection failed: " + describe(e), "LOCAL_IO");
        return;
      }
      if (n < 0) {
        localEof(stream);
        return;
      }
      if (n == 0) {
        break;
      }
      chunker.writeSingleFrameHeader(readBuffer, 0, Frame.EVENT_DATA, stream.id, n);
      readBuffer.limit(Frame.HEADER_LENGTH + n).position(0);
      send(readBuffer);
      stream.bytesToPeer += n;
      counters.bytesToPeer += n;
      if (stream.sendCredit != Long.MAX_VALUE) {
        stream.sendCredit -= n;
      }
      if (n < max) {
        break; // the socket is drained for now
      }
    }
    updateInterest(stream);
  }

  private void localEof(Stream stream) {
    stream.localEof = true;
    if (!peerDecided) {
      stream.eofPending = true;
      updateInterest(stream);
      return;
    }
    if (halfClose()) {
      stream.sentFin = true;
      send(Extensions.fin(stream.id));
      updateInterest(stream);
      finishIfDone(stream);
    } else {
      // The original protocol has no half-close: EOF closes the logical socket. Bytes already received are
      // still written out before the local socket closes.
      stream.sentClose = true;
      sendEvent(Frame.EVENT_CLOSE, stream);
      closeAfterFlush(stream, "closed by local application");
    }
  }

  // ----- peer → local

  void dataFromPeer(Stream stream, ByteBuffer payload) {
    int n = payload.remaining();
    stream.bytesFromPeer += n;
    counters.bytesFromPeer += n;
    if (stream.sentClose) {
      return; // we closed; the peer had not seen it yet
    }
    if (stream.receivedFin) {
      abort(stream, "peer sent DATA after FIN", "DATA_AFTER_FIN");
      return;
    }
    if (flowControl()) {
      stream.receiveAllowance -= n;
      if (stream.receiveAllowance < 0) {
        abort(stream, "peer sent " + (-stream.receiveAllowance) + " bytes beyond its window", "WINDOW_EXCEEDED");
        return;
      }
    } else if (stream.pendingBytes + n > config.maxPendingBytesPerSocket()) {
      abort(stream, "local application did not read: " + (stream.pendingBytes + n) + " bytes pending > max "
          + config.maxPendingBytesPerSocket() + " (peer has no flow control)", "OVERFLOW");
      return;
    }
    if (pendingBytesTotal + n > config.maxPendingBytesTotal()) {
      abort(stream, "bridge holds " + (pendingBytesTotal + n) + " bytes for local applications > max "
          + config.maxPendingBytesTotal() + " in all", "OVERFLOW");
      return;
    }
    if (stream.connected && !stream.hasPending()) {
      try {
        int written = Objects.requireNonNull(stream.socket).write(payload);
        consumed(stream, written);
      } catch (IOException e) {
        abort(stream, "local connection failed: " + describe(e), "LOCAL_IO");
        return;
      }
    }
    if (payload.hasRemaining()) {
      pendingBytesTotal += payload.remaining();
      stream.enqueue(payload);
      updateInterest(stream);
    }
  }

  /** Writes pending bytes; on the way out of the queue, closes or half-closes as the peer asked. */
  private void flush(Stream stream) {
    if (!stream.connected) {
      return;
    }
    ArrayDeque<java.nio.ByteBuffer> queue = stream.pending;
    SocketChannel socket = Objects.requireNonNull(stream.socket);
    try {
      while (queue != null && !queue.isEmpty()) {
        ByteBuffer head = queue.peekFirst();
        int written = socket.write(head);
        stream.pendingBytes -= written;
        pendingBytesTotal -= written;
        consumed(stream, written);
        if (head.hasRemaining()) {
          break;
        }
        queue.pollFirst();
      }
    } catch (IOException e) {
      abort(stream, "local connection failed: " + describe(e), "LOCAL_IO");
      return;
    }
    if (!stream.hasPending()) {
      stream.pending = null; // let an idle socket's queue go
      if (stream.closeReason != null) {
        finish(stream, stream.closeReason, false);
        return;
      }
      if (stream.receivedFin && !stream.outputShut) {
        shutdownOutput(stream);
      }
      finishIfDone(stream);
    }
    if (streams[stream.id] == stream) {
      updateInterest(stream);
    }
  }

  /** Bytes reached the local socket: with flow control, give the peer credit back when half a window is used. */
  private void consumed(Stream stream, int written) {
    if (written <= 0 || !flowControl()) {
      return;
    }
    stream.unreported += written;
    if (stream.unreported >= config.receiveWindowBytes() / 2) {
      send(Extensions.window(stream.id, stream.unreported));
      stream.receiveAllowance += stream.unreported;
      stream.unreported = 0;
    }
  }

  void finFromPeer(Stream stream) {
    if (stream.receivedFin) {
      return;
    }
    stream.receivedFin = true;
    if (stream.connected && !stream.hasPending()) {
      shutdownOutput(stream);
      finishIfDone(stream);
    }
  }

  private void shutdownOutput(Stream stream) {
    stream.outputShut = true;
    try {
      Objects.requireNonNull(stream.socket).shutdownOutput();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "socket {0}: shutdownOutput failed: {1}", stream.id, e.toString());
    }
  }

  /** With half-close, a socket is done when both sides sent FIN and everything is written. */
  private void finishIfDone(Stream stream) {
    if (stream.sentFin && stream.receivedFin && !stream.hasPending() && streams[stream.id] == stream) {
      finish(stream, "closed", false);
    }
  }

  void closeFromPeer(Stream stream) {
    stream.peerClosed = true;
    closeAfterFlush(stream, "closed by peer");
  }

  private void closeAfterFlush(Stream stream, String reason) {
    if (stream.dialing || stream.hasPending()) {
      // flush() finishes the stream once the dial is done and every pending byte is written.
      stream.closeReason = reason;
      updateInterest(stream);
    } else {
      finish(stream, reason, false);
    }
  }

  /** Closes a socket at once, telling the peer. */
  private void abort(Stream stream, String reason, String errorKind) {
    count(errorKind);
    LOG.log(Level.DEBUG, "socket {0}: {1}", stream.id, reason);
    finish(stream, reason, true);
  }

  /**
   * The single place a stream ends: closes the local socket, frees the id and every per-socket state. An abort
   * ({@code sendClose}) or a socket that still had bytes to deliver is reset, not closed, so that the local
   * application sees an error rather than a clean end of stream it could take for a complete response.
   */
  void finish(Stream stream, String reason, boolean sendClose) {
    if (streams[stream.id] != stream) {
      return;
    }
    if ((sendClose || stream.hasPending() || !running) && stream.socket != null && stream.connected) {
      try {
        stream.socket.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "socket {0}: SO_LINGER failed: {1}", stream.id, e.toString());
      }
    }
    if (sendClose && !stream.sentClose && !stream.peerClosed) {
      stream.sentClose = true;
      sendEvent(Frame.EVENT_CLOSE, stream);
    }
    if (stream.key != null) {
      stream.key.cancel();
    }
    closeQuietly(stream.socket);
    pendingBytesTotal -= stream.pendingBytes;
    streams[stream.id] = null;
    if (stream.dialing) {
      dialing.remove(stream);
    } else if (stream.connected) {
      counters.openSockets--;
    }
    reassembler.release(stream.id);
    chunker.reset(stream.id);
    if (role == Role.CLIENT) {
      ids.free(stream.id);
    }
    int id = stream.id;
    emit(() -> listener.onSocketClosed(id, reason));
  }

  // =================================================================================================== shutdown

  private void shutdown(String reason) {
    running = false;
    for (Stream stream : streams) {
      if (stream != null) {
        finish(stream, "bridge closed: " + reason, false);
      }
    }
    if (server != null) {
      closeQuietly(server);
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "selector close failed: {0}", e.toString());
    }
    channel.close(reason);
    finishStats(reason);
    Object command;
    while ((command = commands.poll()) != null) {
      if (command instanceof Commands.Stats stats) {
        stats.result().complete(Objects.requireNonNull(finalStats));
      } else if (command instanceof Commands.SocketStats sockets) {
        sockets.result().complete(List.of());
      }
    }
    emit(() -> listener.onClosed(reason));
    LOG.log(Level.DEBUG, "bridge closed: {0}", reason);
    closed.complete(reason);
  }

  private void finishStats(String reason) {
    LOG.log(Level.TRACE, "final stats for {0}", reason);
    finalStats = snapshot();
  }

  private BridgeStats snapshot() {
    return counters.snapshot(features);
  }

  // =================================================================================================== helpers

  void count(String kind) {
    counters.count(kind);
  }

  void emit(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "bridge listener threw; ignored", e);
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  private static void closeQuietly(java.nio.channels.@Nullable Channel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "close failed: {0}", e.toString());
    }
  }

  // =================================================================================================== callbacks

  /** The channel's callbacks: only enqueue, never block, never touch loop state. */
  private final class ChannelEvents implements MessageChannel.Listener {
    @Override
    public void onMessage(ByteBuffer message) {
      enqueue(message);
    }

    @Override
    public void onWritable() {
      enqueue(Commands.WRITABLE);
    }

    @Override
    public void onClosed(String reason) {
      enqueue(new Commands.ChannelClosed(reason));
    }
  }
}

package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Coalescing;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Reassembler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The engine's work, assembled from its components, one duty cycle at a time ({@link #turn}): a bounded batch of
 * commands (mostly received messages), the selector's ready keys (accept, dial, write, and readable sockets handed to
 * the {@link Scheduler}), the scheduler's reads, then whatever timer is due. Who calls {@link #turn}, and how it waits
 * in between, is the {@link Engine}'s business: its own thread, or a test step by step. Owned by that one thread: no
 * method may be called from another.
 */
final class Loop implements Command.Handler {
  /** Commands (mostly received messages) handled per turn before the sockets get their turn. */
  static final int COMMANDS_PER_TURN = 64;
  /** Longest wait in select, whatever the timers say. */
  private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Ticker ticker;
  private final InboundQueue inbound;
  private final Selector selector;
  private final boolean extensions;
  private final int maxCoalescedBytes;
  private final Counters counters = new Counters();
  private final Events events;
  private final Outbound outbound;
  private final Negotiation negotiation;
  private final FlowControl flow;
  private final Keepalive keepalive;
  private final Streams streams;
  private final HalfClose halfClose;
  private final LocalIo io;
  private final Scheduler scheduler;
  private final Role role;
  private final Reassembler reassembler;
  private final Coalescing.FrameConsumer toReassembler;

  private boolean running = true;
  private String closeReason = "closed";

  /** Either {@code server} (client) or {@code plan} (host) is given. */
  Loop(MessageChannel channel, @Nullable ServerSocketChannel server, @Nullable DialPlan plan, BridgeConfig config,
      Ticker ticker, InboundQueue inbound, int firstSocketId) throws IOException {
    this.ticker = ticker;
    this.inbound = inbound;
    this.selector = Selector.open();
    this.extensions = config.extensions();
    this.maxCoalescedBytes = config.maxCoalescedBytes();
    this.events = new Events(config.listener(), counters);
    this.outbound = new Outbound(channel, counters, ticker, maxCoalescedBytes);
    this.negotiation = new Negotiation(config.extensions());
    this.flow = new FlowControl(config.extensions(), config.receiveWindowBytes(), negotiation);
    this.keepalive = new Keepalive(config.keepaliveInterval(), config.keepaliveTimeout());
    Limits limits = new Limits(config.maxPendingBytesPerSocket(), config.maxPendingBytesTotal());
    this.streams = new Streams(selector, ticker, flow, negotiation, outbound, limits, counters, events, this::ended);
    this.halfClose = new HalfClose(negotiation, outbound, streams);
    this.io = new LocalIo(outbound, flow, limits, counters, streams, halfClose);
    this.scheduler = new Scheduler(outbound, io);
    if (server != null) {
      this.role = new ClientRole(server, firstSocketId, streams, outbound, flow, counters, events, ticker);
    } else if (plan != null) {
      this.role = new HostRole(plan, config.connectTimeout(), streams, outbound, flow, counters, events, ticker, io);
    } else {
      selector.close();
      throw new IllegalArgumentException("server and plan: both null (expected: one of them)");
    }
    this.reassembler = new Reassembler(config.reassemblerLimits(),
        new PeerMessages(streams, role, io, halfClose, flow, negotiation, outbound, events));
    this.toReassembler = reassembler::accept;
  }

  Selector selector() {
    return selector;
  }

  String roleName() {
    return role.name();
  }

  boolean running() {
    return running;
  }

  String closeReason() {
    return closeReason;
  }

  /** The first thing the loop does: listen, start the keepalive clock, announce our extensions. */
  void start() throws IOException {
    role.register(selector);
    keepalive.start(ticker.nanoTime());
    if (extensions) {
      outbound.sendExtension(Extensions.hello(Extensions.SUPPORTED_FEATURES));
    }
  }

  /**
   * One duty cycle, after the selector was polled.
   *
   * @return how much was done (0: nothing was ready)
   */
  int turn() {
    String overflow = inbound.overflow();
    if (overflow != null) {
      events.error(ErrorKind.INBOUND_OVERFLOW, BridgeListener.NO_SOCKET, overflow);
      stop(overflow);
      return 1;
    }
    int work = 0;
    Command command;
    for (int budget = COMMANDS_PER_TURN; budget > 0 && running && (command = inbound.poll()) != null; budget--) {
      command.dispatch(this);
      work++;
    }
    if (!running) {
      return work;
    }
    work += keys();
    work += scheduler.runTurn();
    work += timers(ticker.nanoTime());
    outbound.flush(); // what this turn made ready goes out now, together when coalescing
    return work;
  }

  /** How long the selector may wait before the next timer is due. */
  long waitMillis() {
    long now = ticker.nanoTime();
    long wait = MAX_WAIT_NANOS;
    wait = Math.min(wait, until(outbound.pollDeadlineNanos(), now));
    wait = Math.min(wait, until(role.deadlineNanos(), now));
    if (negotiation.keepalive()) {
      wait = Math.min(wait, until(keepalive.deadlineNanos(), now));
    }
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999));
  }

  private static long until(long deadlineNanos, long nowNanos) {
    return deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadlineNanos - nowNanos);
  }

  private int keys() {
    int handled = 0;
    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
    while (keys.hasNext()) {
      SelectionKey key = keys.next();
      keys.remove();
      handled++;
      if (!key.isValid()) {
        continue;
      }
      Object attachment = key.attachment();
      if (attachment == null) {
        role.acceptable();
        continue;
      }
      Stream stream = (Stream) attachment;
      int ready = key.readyOps();
      if ((ready & SelectionKey.OP_CONNECT) != 0) {
        role.connectable(stream);
        continue;
      }
      if ((ready & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
        io.flush(stream);
      }
      if ((ready & SelectionKey.OP_READ) != 0 && key.isValid() && stream.isLive()) {
        scheduler.readable(stream);
      }
    }
    return handled;
  }

  private int timers(long nowNanos) {
    int work = role.tick(nowNanos);
    if (outbound.pollWritable(nowNanos)) {
      scheduler.unparkAll();
      work++;
    }
    if (negotiation.keepalive()) {
      switch (keepalive.check(nowNanos)) {
        case DEAD:
          events.error(ErrorKind.KEEPALIVE_TIMEOUT, BridgeListener.NO_SOCKET, keepalive.deadReason());
          stop(keepalive.deadReason());
          work++;
          break;
        case PING:
          outbound.sendExtension(Extensions.ping(false, keepalive.nextNonce()));
          work++;
          break;
        default:
          break;
      }
    }
    return work;
  }

  private void stop(String reason) {
    if (running) {
      running = false;
      closeReason = reason;
    }
  }

  /** A socket ended: what others held for it goes. */
  private void ended(Stream stream) {
    reassembler.release(stream.id);
    role.ended(stream);
  }

  // ------------------------------------------------------------------------------------------------ commands

  @Override
  public void received(ByteBuffer message) {
    counters.messagesFromPeer++;
    keepalive.received(ticker.nanoTime());
    if (!negotiation.decided()) {
      negotiated(negotiation.decide(message));
      reassembler.accept(message); // the first message is one frame: the peer did not know our features yet
    } else if (negotiation.coalesce()) {
      Coalescing.split(message, toReassembler);
    } else {
      reassembler.accept(message);
    }
  }

  /** The peer is known: the sockets opened before (a client's only) learn what is in use. */
  private void negotiated(int features) {
    if (negotiation.coalesce()) {
      outbound.coalesce(maxCoalescedBytes);
    }
    for (Stream stream : negotiation.openedBefore()) {
      if (!stream.isLive()) {
        continue;
      }
      flow.negotiated(stream.credit);
      halfClose.negotiated(stream);
      if (stream.isLive()) {
        stream.updateInterest();
      }
    }
    events.negotiated(features);
  }

  @Override
  public void writable() {
    if (outbound.markWritable()) {
      scheduler.unparkAll();
    }
  }

  @Override
  public void channelClosed(String reason) {
    stop("channel closed: " + reason);
  }

  @Override
  public void close(String reason) {
    stop(reason);
  }

  @Override
  public void stats(CompletableFuture<BridgeStats> result) {
    result.complete(snapshot());
  }

  @Override
  public void socketStats(CompletableFuture<List<BridgeStats.SocketStats>> result) {
    result.complete(streams.socketStats());
  }

  BridgeStats snapshot() {
    return counters.snapshot(ticker.nanoTime(), negotiation.features());
  }

  List<BridgeStats.SocketStats> socketStats() {
    return streams.socketStats();
  }

  /** The state of a live socket, or null (tests). */
  @Nullable StreamState socketState(int socketId) {
    Stream stream = streams.get(socketId);
    return stream == null ? null : stream.state();
  }

  /** Scheduler's parked sockets (tests). */
  int parkedSockets() {
    return scheduler.parkedCount();
  }

  /**
   * Ends everything: every socket, the role's server, the selector, the channel; then the reason goes to the
   * listener. Returns the last statistics.
   */
  BridgeStats shutdown(String reason) {
    running = false;
    streams.endAll("bridge closed: " + reason);
    outbound.flush(); // the CLOSEs go out before the channel closes
    role.close();
    try {
      selector.close();
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "selector close failed: {0}", e.toString());
    }
    outbound.closeChannel(reason);
    return snapshot();
  }

  /** After {@link #shutdown}, once the final statistics are published: the listener's last event. */
  void closed(String reason) {
    events.closed(reason);
  }
}

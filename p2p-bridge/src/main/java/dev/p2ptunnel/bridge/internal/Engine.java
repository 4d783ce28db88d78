package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.bridge.SharedService;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The bridge's engine, either role: the {@link Loop} (which owns every local socket, the protocol state and the
 * counters) and who runs it. Threaded mode, what {@code ClientBridge}/{@code HostBridge} use: the engine's own thread
 * waits in {@code select} and runs the loop's turns. Embedded mode, for tests: no thread is started; the thread that
 * called {@link #start} is the loop's thread and runs its work step by step with {@link #runPending()} and
 * {@link #advanceTime}, on a {@link ManualTicker}, the selector polled without waiting — in the spirit of Netty's
 * {@code EmbeddedChannel}.
 *
 * <p>The channel's callbacks and the API only enqueue {@link Command}s to the bounded {@link InboundQueue} and wake the
 * selector. Each channel the engine runs over gets a number (0 for the first, one more for each {@link #attach}), and
 * its callbacks tag their commands with it, so that a replaced channel's late messages are dropped. Thread-safe entry
 * points: {@link #start}, {@link #attach}, {@link #requestClose}, {@link #join}, {@link #closedFuture},
 * {@link #isOpen}, {@link #stats}, {@link #socketStats}; {@link #runPending()} and {@link #advanceTime} belong to the
 * loop's thread in embedded mode.
 */
public final class Engine {
  /** Most turns one {@link #runPending()} runs, so that a socket that is always readable cannot keep it forever. */
  static final int MAX_TURNS_PER_RUN = 1_000;

  private final MessageChannel channel;
  private final InboundQueue inbound;
  private final DatagramInbox datagrams;
  private final Loop loop;
  private final @Nullable Thread thread;
  private final @Nullable ManualTicker manualTicker;
  private volatile @Nullable Thread loopThread;
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  /** Threaded mode: how other threads wake the loop's selector (see {@link #wakeup}); null when embedded. */
  private final @Nullable WakePipe wakePipe;
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private volatile @Nullable BridgeStats finalStats;
  private final AtomicBoolean started = new AtomicBoolean();

  private Engine(MessageChannel channel, @Nullable ServerSocketChannel server, @Nullable DialPlan plan,
      BridgeConfig config, @Nullable ManualTicker manualTicker, int firstSocketId) throws IOException {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.manualTicker = manualTicker;
    Ticker ticker = manualTicker != null ? manualTicker : Ticker.SYSTEM;
    this.inbound = new InboundQueue(config.maxInboundQueueBytes(), config.maxInboundQueueMessages(),
        config.inboundOverflow(), this::wakeup);
    this.datagrams = new DatagramInbox(this::wakeup);
    this.loop = new Loop(channel, server, plan, config, ticker, inbound, datagrams, firstSocketId,
        ChannelEvents::new);
    if (manualTicker == null) {
      try {
        this.wakePipe = WakePipe.open(loop.selector());
      } catch (IOException e) {
        loop.shutdown("bridge failed to start: " + e);
        throw e;
      }
      Thread t = new Thread(this::run, "p2p-bridge-" + loop.roleName());
      t.setDaemon(true);
      this.thread = t;
    } else {
      this.wakePipe = null;
      this.thread = null;
    }
  }

  /**
   * A client engine; threaded. {@code server} (bound, any blocking mode) is its default mapping's port, or null when
   * it has named mappings only ({@link #map}).
   */
  public static Engine client(MessageChannel channel, @Nullable ServerSocketChannel server, BridgeConfig config)
      throws IOException {
    return new Engine(channel, server, null, config, null, 0);
  }

  /** A host engine sharing what {@code services} says (read at each CONNECT and datagram); threaded. */
  public static Engine host(MessageChannel channel, HostServices services, BridgeConfig config) throws IOException {
    return new Engine(channel, null, new DialPlan(services), config, null, 0);
  }

  /**
   * An embedded client engine on {@code ticker}, whose first socket id is {@code firstSocketId} (so that a test reaches
   * the wrap of ids without 65 536 connections).
   */
  static Engine embeddedClient(MessageChannel channel, @Nullable ServerSocketChannel server, BridgeConfig config,
      ManualTicker ticker, int firstSocketId) throws IOException {
    return new Engine(channel, server, null, config, Objects.requireNonNull(ticker, "ticker"), firstSocketId);
  }

  /** An embedded host engine on {@code ticker}, dialing where {@code plan} says. */
  static Engine embeddedHost(MessageChannel channel, DialPlan plan, BridgeConfig config, ManualTicker ticker)
      throws IOException {
    return new Engine(channel, null, plan, config, Objects.requireNonNull(ticker, "ticker"), 0);
  }

  /** Starts the loop (threaded: its thread; embedded: on this thread) and the channel's delivery. Once. */
  public void start() throws IOException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("engine: already started");
    }
    if (thread != null) {
      loopThread = thread;
      thread.start();
    } else {
      loopThread = Thread.currentThread();
      try {
        loop.start();
      } catch (IOException | RuntimeException e) {
        finish("bridge failed to start: " + e);
        throw e;
      }
    }
    try {
      channel.start(new ChannelEvents(0));
    } catch (RuntimeException e) {
      requestClose("channel failed to start: " + e);
      throw e;
    }
  }

  /**
   * Hands the loop a new channel to the same peer, replacing the current one (or none, after it closed): the loop
   * starts it, and with the resume extension the sockets carry on over it. Returns at once.
   */
  public void attach(MessageChannel next) {
    inbound.control(new Command.Attach(Objects.requireNonNull(next, "channel")));
  }

  /** Asks the loop to close everything; returns at once. */
  public void requestClose(String reason) {
    inbound.control(new Command.Close(reason));
  }

  /** Threaded mode: waits for the loop to finish after {@link #requestClose}. Embedded mode: returns at once. */
  public void join(Duration timeout) throws InterruptedException {
    Thread t = thread;
    if (t != null && Thread.currentThread() != t) {
      t.join(Math.max(1, timeout.toMillis()));
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
    if (inLoop()) {
      return loop.snapshot();
    }
    return askLoop(Command.Stats::new, "stats", () -> finalStats);
  }

  /** The open sockets, listed on the loop thread; empty once closed. */
  public List<BridgeStats.SocketStats> socketStats() {
    if (finalStats != null) {
      return List.of();
    }
    if (inLoop()) {
      return loop.socketStats();
    }
    return askLoop(Command.SocketStats::new, "socket stats", () -> finalStats != null ? List.of() : null);
  }

  /** The UDP flows, listed on the loop thread; empty once closed. */
  public List<BridgeStats.FlowStats> flowStats() {
    if (finalStats != null) {
      return List.of();
    }
    if (inLoop()) {
      return loop.flowStats();
    }
    return askLoop(Command.FlowStats::new, "flow stats", () -> finalStats != null ? List.of() : null);
  }

  /** Client: completes with the host's first list of services (on the loop thread); fails if none will come. */
  public CompletableFuture<List<SharedService>> services() {
    return loop.services();
  }

  /**
   * Client: binds {@code mapping} (once the host's list says what its service is); completes on the loop thread with
   * the mapped port, or fails saying why (port in use, service not shared, bridge closed).
   */
  public CompletableFuture<MappedPort> map(Mapping mapping) {
    CompletableFuture<MappedPort> result = new CompletableFuture<>();
    inbound.control(new Command.Map(Objects.requireNonNull(mapping, "mapping"), result));
    return result;
  }

  /** Client: stops the mapping bound to {@code local}; completes with whether there was one. */
  public CompletableFuture<Boolean> unmap(InetSocketAddress local, Service.Protocol protocol) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    inbound.control(new Command.Unmap(Objects.requireNonNull(local, "local"), protocol, result));
    return result;
  }

  /** Client: the mappings in place; empty once closed. */
  public List<MappedPort> mappings() {
    if (finalStats != null) {
      return List.of();
    }
    if (inLoop()) {
      return loop.mappings();
    }
    return askLoop(Command.Mappings::new, "mappings", () -> finalStats != null ? List.of() : null);
  }

  // ------------------------------------------------------------------------------------------------ embedded mode

  /**
   * Embedded mode: runs the loop's work that is ready now — commands, ready sockets, due timers — turn after turn
   * until a turn finds nothing to do (at most {@value #MAX_TURNS_PER_RUN} turns), and closes the engine if that work
   * says so. Never waits.
   *
   * @return how much was done
   * @throws IllegalStateException in threaded mode, or from a thread other than the one that started the engine
   */
  public int runPending() {
    checkEmbedded();
    int done = 0;
    for (int turn = 0; turn < MAX_TURNS_PER_RUN && !closed.isDone(); turn++) {
      int work;
      try {
        loop.select(0);
        work = loop.turn();
      } catch (IOException | RuntimeException e) {
        finish("bridge failed: " + e);
        throw new IllegalStateException("embedded engine failed", e);
      }
      done += work;
      if (!loop.running()) {
        finish(loop.closeReason());
      } else if (work == 0) {
        break;
      }
    }
    return done;
  }

  /** Embedded mode: moves the engine's {@link ManualTicker} forward, then {@link #runPending()}. */
  public int advanceTime(Duration duration) {
    checkEmbedded();
    Objects.requireNonNull(manualTicker).advance(duration);
    return runPending();
  }

  /** Sockets waiting for the channel to become writable (tests of back-pressure). */
  int parkedSockets() {
    checkEmbedded();
    return loop.parkedSockets();
  }

  /** Sockets ended and kept until the peer confirms their last messages (tests of resume). */
  int tombstones() {
    checkEmbedded();
    return loop.tombstones();
  }

  /** The state of live socket {@code socketId}, or null (tests of the state machine through the engine). */
  @Nullable StreamState socketState(int socketId) {
    checkEmbedded();
    return loop.socketState(socketId);
  }

  private void checkEmbedded() {
    if (manualTicker == null) {
      throw new IllegalStateException("engine: threaded (expected: embedded mode)");
    }
    if (loopThread != Thread.currentThread()) {
      throw new IllegalStateException("thread: " + Thread.currentThread().getName()
          + " (expected: the thread that started the embedded engine)");
    }
  }

  // ------------------------------------------------------------------------------------------------ threaded mode

  private void run() {
    String reason;
    try {
      loop.start();
      while (loop.running()) {
        // From here until the selector returns, an offer must wake it (the queue was checked before it sleeps);
        // during the turn it need not: the next iteration looks at the queue before waiting. So a message that
        // arrives while the loop works costs no wake-up (a write and, next select, a read of the selector's wake-up
        // descriptor).
        wakeupPending.set(false);
        loop.select(loop.idle() ? loop.waitMillis() : 0);
        wakeupPending.set(true);
        loop.turn();
      }
      reason = loop.closeReason();
    } catch (Throwable t) {
      reason = "bridge failed: " + t;
      Events.LOG.log(Level.ERROR, reason, t);
    }
    finish(reason);
  }

  /** Any thread, after an offer: wakes the selector unless the loop is awake (then it sees the offer by itself). */
  private void wakeup() {
    WakePipe pipe = wakePipe;
    if (pipe != null && !wakeupPending.getAndSet(true)) {
      pipe.wake();
    }
  }

  private boolean inLoop() {
    return Thread.currentThread() == loopThread;
  }

  // ------------------------------------------------------------------------------------------------ closing

  /** On the loop's thread, once: releases everything, publishes the last statistics, then tells everyone. */
  private void finish(String reason) {
    if (finalStats != null) {
      return;
    }
    BridgeStats last;
    try {
      last = loop.shutdown(reason);
    } catch (RuntimeException e) {
      Events.LOG.log(Level.ERROR, "bridge shutdown failed", e);
      last = new BridgeStats(0, 0, 0, 0, 0, 0, 0, 0, java.util.Map.of());
    }
    if (wakePipe != null) {
      wakePipe.close();
    }
    finalStats = last;
    inbound.close();
    Command.Handler afterClose = new AfterClose(last, reason);
    for (Command command; (command = inbound.poll()) != null; ) {
      command.dispatch(afterClose);
    }
    loop.closed(reason);
    closed.complete(reason);
  }

  /** Hands the loop {@code command} and waits up to 5 s for its answer; once closed, {@code afterClose}'s. */
  private <T> T askLoop(Function<CompletableFuture<T>, Command> command, String what,
      Supplier<@Nullable T> afterClose) {
    CompletableFuture<T> result = new CompletableFuture<>();
    inbound.control(command.apply(result));
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
    } catch (ExecutionException | TimeoutException e) {
      T now = afterClose.get();
      if (now != null) {
        return now;
      }
      throw new IllegalStateException("bridge loop did not answer for " + what + " within 5 s", e);
    }
  }

  /** One channel's callbacks: only enqueue, tagged with the channel's number; never touch loop state. */
  private final class ChannelEvents implements MessageChannel.Listener {
    private final int channel;

    ChannelEvents(int channel) {
      this.channel = channel;
    }

    @Override
    public void onMessage(ByteBuffer message) {
      inbound.message(message, channel);
    }

    @Override
    public void onWritable() {
      inbound.control(new Command.Writable(channel));
    }

    @Override
    public void onClosed(String reason) {
      inbound.control(new Command.ChannelClosed(reason, channel));
    }

    @Override
    public void onPathChanged(boolean confirmed) {
      inbound.control(new Command.PathChanged(confirmed, channel));
    }
  }
}

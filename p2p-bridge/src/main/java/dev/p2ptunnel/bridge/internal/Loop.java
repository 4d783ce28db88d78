package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Reassembler;
import dev.p2ptunnel.protocol.Resumption;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The engine's work, assembled from its components, one duty cycle at a time ({@link #turn}): a bounded batch of
 * commands (mostly received messages; {@link LoopCommands} says where each goes), the selector's ready keys (accept,
 * dial, write, and readable sockets handed to the {@link Scheduler}), the scheduler's reads, then whatever timer is
 * due. Who calls {@link #turn}, and how it waits in between, is the {@link Engine}'s business: its own thread, or a
 * test step by step. Owned by that one thread: no method may be called from another.
 *
 * <p>With the resume extension in use the loop outlives its channel: a lost connection ({@link Link}) keeps every
 * socket for the grace period ({@link Liveness}), and a new channel ({@link Carrier#attach}) resumes them
 * ({@link Resume}).
 */
final class Loop implements Resume.Port {
  /** Commands (mostly received messages) handled per turn before the sockets get their turn. */
  static final int COMMANDS_PER_TURN = 64;
  /** Longest wait in select, whatever the timers say. */
  private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Ticker ticker;
  private final InboundQueue inbound;
  private final Selector selector;
  private final boolean extensions;
  /** The resume extension is on (extensions and a grace period above 0): our HELLO announces it. */
  private final boolean resuming;
  private final Counters counters = new Counters();
  private final Events events;
  private final Outbound outbound;
  private final Negotiation negotiation;
  private final FlowControl flow;
  private final Streams streams;
  private final HalfClose halfClose;
  private final LocalIo io;
  private final Scheduler scheduler;
  private final Role role;
  private final Reassembler reassembler;
  private final Liveness liveness;
  private final Resume resume;
  private final DatagramInbox datagrams;
  private final NamedServices named;
  private final PeerGuard guard;
  private final LoopCommands commands;
  /**
   * The keys the last {@link #select} found ready, handled by the next turn. Collected by the selector's action
   * instead of its selected-key set, which costs a hash-set entry (an allocation), a removal and an iterator per ready
   * key: on a busy bridge, every request.
   */
  private final ArrayList<SelectionKey> readyKeys = new ArrayList<>();
  private final Consumer<SelectionKey> collectReady = readyKeys::add;

  private boolean running = true;
  /** The bridge closes because the grace period ended: sockets end {@link Streams.Ending#ORDERLY}. */
  private boolean orderly;
  private String closeReason = "closed";

  /** {@code plan} given: a host; else a client, listening on {@code server} (its default mapping) if given. */
  Loop(MessageChannel channel, @Nullable ServerSocketChannel server, @Nullable DialPlan plan, BridgeConfig config,
      Ticker ticker, InboundQueue inbound, DatagramInbox datagrams, int firstSocketId,
      IntFunction<MessageChannel.Listener> listeners) throws IOException {
    this.ticker = ticker;
    this.inbound = inbound;
    this.datagrams = datagrams;
    this.selector = Selector.open();
    this.extensions = config.extensions();
    this.events = new Events(config.listener(), counters);
    this.outbound = new Outbound(channel, counters, ticker, config.maxCoalescedBytes());
    this.resuming = config.extensions() && !config.resumeGrace().isZero();
    this.negotiation = new Negotiation(config.extensions(), Carrier.announced(channel, resuming));
    this.flow = new FlowControl(config.extensions(), config.receiveWindowBytes(), negotiation);
    Limits limits = new Limits(config.maxPendingBytesPerSocket(), config.maxPendingBytesTotal());
    this.streams = new Streams(selector, ticker, flow, negotiation, outbound, limits, counters, events, this::ended);
    this.halfClose = new HalfClose(negotiation, outbound, streams);
    this.io = new LocalIo(outbound, flow, limits, counters, streams, halfClose);
    this.scheduler = new Scheduler(outbound, io);
    this.resume = new Resume(resuming, config.receiveWindowBytes(), plan == null,
        outbound, streams, flow, events, ticker, this);
    outbound.observe(resume.retention());
    this.liveness = new Liveness(config.keepaliveInterval(), config.keepaliveTimeout(), config.resumeGrace(),
        negotiation, outbound, resume, events, ticker, plan == null ? "host" : "client", new Liveness.Port() {
          @Override
          public void stop(String reason, boolean orderly) {
            Loop.this.stop(reason);
            Loop.this.orderly |= orderly;
          }

          @Override
          public boolean running() {
            return running;
          }
        });
    streams.onOpen(resume.retention()::opened);
    DatagramLink datagramLink = new DatagramLink(datagrams);
    int maxFlows = config.peerLimits().maxFlows();
    if (plan != null) {
      // Per-client limits (maxSockets here, the PeerGuard below) belong to the bridge, not to a channel: they hold
      // across a replaced channel, counting the resumed sockets too.
      HostRole host = new HostRole(plan, config.connectTimeout(), config.peerLimits().maxSockets(), streams,
          outbound, flow, negotiation, counters, events, ticker, io, resume::newLife);
      this.role = host;
      UdpHost udp = new UdpHost(plan, datagramLink, datagrams, selector, maxFlows, config.udpIdleTimeout(), counters,
          events, ticker);
      this.named = new NamedServices(channel, inbound, negotiation, outbound, events, ticker, datagramLink, udp, plan,
          host, null);
    } else {
      ClientRole client;
      try {
        client = new ClientRole(server, firstSocketId, streams, outbound, flow, counters, events, ticker);
      } catch (IOException e) {
        selector.close();
        throw e;
      }
      this.role = client;
      UdpClient udp = new UdpClient(datagramLink, datagrams, selector, maxFlows, config.udpIdleTimeout(), counters,
          events, ticker);
      this.named = new NamedServices(channel, inbound, negotiation, outbound, events, ticker, datagramLink, udp, null,
          null, new ClientMappings(client, udp, negotiation, events));
    }
    this.guard = new PeerGuard(config.peerLimits(), ticker.nanoTime());
    this.reassembler = new Reassembler(config.reassemblerLimits(),
        new PeerMessages(streams, role, io, halfClose, flow, negotiation, outbound, events, resume, guard,
            ticker,
            new PeerMessages.Peer() {
              @Override
              public void services(List<SharedService> list) {
                named.received(list);
              }

              @Override
              public void flooded(String reason) {
                events.error(ErrorKind.FLOOD, BridgeListener.NO_SOCKET, reason);
                stop(reason);
              }
            }));
    Carrier carrier = new Carrier(extensions, resuming, config.maxCoalescedBytes(), counters, negotiation, outbound,
        streams, flow, halfClose, events, resume, liveness, named, scheduler, reassembler, listeners,
        new Carrier.Port() {
          @Override
          public boolean running() {
            return running;
          }

          @Override
          public String closeReason() {
            return closeReason;
          }

          @Override
          public void stop(String reason) {
            Loop.this.stop(reason);
          }
        });
    this.commands = new LoopCommands(carrier, named, streams, this::snapshot, this::stop);
  }

  Selector selector() {
    return selector;
  }

  /**
   * Polls the sockets for the next turn: waits up to {@code timeoutMillis} for one to become ready (or a wake-up), or
   * with 0 only looks.
   */
  void select(long timeoutMillis) throws IOException {
    readyKeys.clear(); // left by a turn that stopped early: the selector reports them again (level-triggered)
    if (timeoutMillis > 0) {
      selector.select(collectReady, timeoutMillis);
    } else {
      selector.selectNow(collectReady);
    }
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
    liveness.started();
    if (extensions) {
      outbound.sendExtension(Extensions.hello(negotiation.announced()));
      resume.started();
    }
    named.start();
  }

  /** Whether nothing waits in the inboxes (the selector may wait). */
  boolean idle() {
    return inbound.isEmpty() && datagrams.isEmpty();
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
      command.dispatch(commands);
      work++;
    }
    if (!running) {
      return work;
    }
    work += named.turn();
    if (!running) {
      return work;
    }
    work += keys();
    work += resume.resender().run();
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
    wait = Math.min(wait, until(named.deadlineNanos(), now));
    wait = Math.min(wait, until(liveness.deadlineNanos(now), now));
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999));
  }

  private static long until(long deadlineNanos, long nowNanos) {
    return deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadlineNanos - nowNanos);
  }

  private int keys() {
    int handled = readyKeys.size();
    for (int i = 0; i < handled; i++) {
      SelectionKey key = readyKeys.get(i);
      if (!key.isValid()) {
        continue;
      }
      Object attachment = key.attachment();
      if (!(attachment instanceof Stream stream)) {
        ((Selectable) attachment).ready(key);
        continue;
      }
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
    readyKeys.clear();
    return handled;
  }

  private int timers(long nowNanos) {
    int work = role.tick(nowNanos);
    work += named.tick(nowNanos);
    if (outbound.pollWritable(nowNanos)) {
      scheduler.unparkAll();
      work++;
    }
    work += liveness.tick(nowNanos);
    return work;
  }

  @Override
  public void stop(String reason) {
    if (running) {
      running = false;
      closeReason = reason;
    }
  }

  @Override
  public void restored(int resumed, int closed) {
    liveness.restored(resumed, closed);
  }

  @Override
  public void released(Stream stream) {
    role.ended(stream);
  }

  /** A socket ended: what others held for it goes (its id too, unless resume keeps it until the peer confirms). */
  private void ended(Stream stream) {
    reassembler.release(stream.id);
    if (!resume.ended(stream)) {
      role.ended(stream);
    }
  }

  // ------------------------------------------------------------------------------------------------ queries

  /** The client's future of the host's list. */
  CompletableFuture<List<SharedService>> services() {
    return named.services();
  }

  List<BridgeStats.FlowStats> flowStats() {
    return named.flowStats();
  }

  List<MappedPort> mappings() {
    return named.mappings();
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

  /** Resume's tombstones (tests). */
  int tombstones() {
    return resume.tombstones();
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
    if (resume.peerMayResume() && outbound.attached() && !resume.byeReceived()) {
      outbound.sendExtension(Resumption.bye(reason)); // the peer closes at once instead of waiting for us
    }
    streams.endAll("bridge closed: " + reason, orderly ? Streams.Ending.ORDERLY : Streams.Ending.SHUTDOWN);
    named.shutdown(reason);
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

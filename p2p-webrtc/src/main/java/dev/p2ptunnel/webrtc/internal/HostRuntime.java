package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.HostBridge;
import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.webrtc.ClientConnection;
import dev.p2ptunnel.webrtc.HostOptions;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.TunnelHandle;
import dev.p2ptunnel.webrtc.WebRtcException;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The host side. One loop thread ({@code p2p-tunnel-host}) owns every join in progress: it takes join requests from
 * signaling, challenges paired ones, checks the reveal, asks the approver (never blocking: the approver answers
 * through a stage), enforces the limits (clients, waiting joins, one waiting join per address, a pause after a
 * person refused an address), and times decisions out. No WebRTC object exists for a join before it is approved,
 * except offline, where the pasted offer is answered at once and the decision waits on the open channel. Each
 * approved client then gets its own {@link TunnelCore} (setup thread, session, bridge), so joins proceed
 * concurrently. Thread-safe.
 */
public final class HostRuntime implements TunnelLifecycle {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.host");
  /** What a client is told when the host has all the clients it takes. */
  public static final String BUSY = "the host is busy with another client";
  /** How long {@link #close} waits at most, as a whole, by default ({@link HostOptions#closeTimeout()}). */
  public static final Duration CLOSE_TIMEOUT = HostOptions.DEFAULT_CLOSE_TIMEOUT;

  private final HostOptions options;
  private final HostServices services;
  private final HostClients clients = new HostClients();
  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final ScheduledThreadPoolExecutor loop;
  private final AtomicReference<@Nullable Thread> loopThread = new AtomicReference<>();
  private volatile boolean closing;
  private volatile boolean everOpened;
  private volatile @Nullable CompletableFuture<JoinRequest> pendingNext;
  private final HostDecisions decisions; // loop thread only
  private final Callbacks callbacks;

  /**
   * @throws IllegalArgumentException if a service's host name does not resolve
   */
  public HostRuntime(HostOptions options) {
    this.options = options;
    this.services = HostServices.of(options.services());
    this.callbacks = Callbacks.of(options.callbackExecutor(), "host");
    closed.whenComplete((reason, error) -> callbacks.shutdown()); // the thread ends once idle
    this.loop = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "p2p-tunnel-host");
      thread.setDaemon(true);
      loopThread.set(thread);
      return thread;
    });
    loop.setRemoveOnCancelPolicy(true);
    this.decisions = new HostDecisions(options, this, loop);
  }

  /** The services shared with every client, now and as they change. */
  public HostServices services() {
    return services;
  }

  public void start() {
    onLoop(this::takeNext);
  }

  private volatile java.util.function.@Nullable Function<ClientConnection, dev.p2ptunnel.bridge.BridgeListener>
      clientBridge;

  /**
   * Where each client's bridge events go, besides the tunnel's own: {@code perClient} makes the listener of one
   * client (default: the options' bridge listener, shared by every client). Set before {@link #start()}.
   */
  public void clientBridgeListener(
      java.util.function.Function<ClientConnection, dev.p2ptunnel.bridge.BridgeListener> perClient) {
    clientBridge = perClient;
  }

  /** Where the listener, the approver and the public futures run. */
  public Callbacks callbacks() {
    return callbacks;
  }

  private boolean inLoop() {
    return Thread.currentThread() == loopThread.get();
  }

  void onLoop(Runnable task) {
    try {
      loop.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.log(Level.ERROR, "host loop task failed", e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: nothing is taken any more
    }
  }

  // ------------------------------------------------------------------------------------------- joins (loop)

  private void takeNext() {
    assert inLoop();
    if (closing) {
      return;
    }
    CompletableFuture<JoinRequest> next = options.signaling().nextJoin();
    pendingNext = next;
    next.whenComplete((request, error) -> onLoop(() -> onNext(request, error)));
  }

  private void onNext(@Nullable JoinRequest request, @Nullable Throwable error) {
    pendingNext = null;
    if (closing) {
      if (request != null) {
        quietly(request.reject("the host is closing"));
      }
      return;
    }
    if (error != null) {
      if (!(error instanceof CancellationException)) {
        String reason = "signaling ended: " + message(unwrap(error));
        new Thread(() -> close(reason), "p2p-tunnel-host-close").start();
      }
      return;
    }
    try {
      decisions.handle(request);
    } finally {
      takeNext();
    }
  }

  /**
   * Starts the client's tunnel; for in-channel joins before the decision. A join of an identity whose bridge is still
   * there (its connection was lost, or it rejoins before the host noticed) goes to that bridge instead: a new session
   * carries the same connections.
   */
  void connect(HostJoin join) {
    HostClient existing = clients.resumable(join.clientFingerprint);
    if (existing != null) {
      rejoin(existing, join);
      return;
    }
    clients.makeRoom(options.maxClients());
    AtomicReference<@Nullable HostClient> self = new AtomicReference<>(); // set before the bridge can start
    TunnelCore core = new TunnelCore("p2p-tunnel-host-client",
        c -> HostConnect.connect(c, options, join, decisions::decideInChannel, c::attach),
        (channel, events) -> HostBridge.start(channel, services, options.bridge().toBuilder()
            .listener(BridgeListeners.both(bridgeListenerOf(self.get()), events)).build()), options.plugins())
        .closeTimeout(options.clientCloseTimeout());
    HostClient client = new HostClient(join, core, callbacks);
    self.set(client);
    if (!options.bridge().resumeGrace().isZero()) { // else a lost client is gone at once: nothing to keep
      HostKeeper keeper = new HostKeeper(client, options.listener(), this::notify);
      client.keeper = keeper;
      core.keeper(keeper);
    }
    join.client = client;
    clients.add(client);
    if (!join.inChannel) {
      approvedClient(client);
    }
    core.opened().thenRun(() -> {
      everOpened = true;
      opened.complete(null);
      notify(() -> options.listener().onClientOpened(client));
    });
    core.closed().thenAccept(why -> onLoop(() -> left(client, why)));
    core.start();
  }

  /** The bridge listener of {@code client}'s bridge, besides the tunnel's own. */
  private dev.p2ptunnel.bridge.BridgeListener bridgeListenerOf(@Nullable HostClient client) {
    java.util.function.Function<ClientConnection, dev.p2ptunnel.bridge.BridgeListener> perClient = clientBridge;
    return perClient == null || client == null ? options.bridge().listener() : perClient.apply(client);
  }

  /** A rejoin of {@code client}'s identity: its new session, once open and checked, carries the same bridge. */
  private void rejoin(HostClient client, HostJoin join) {
    HostJoin previous = client.join;
    join.client = client;
    join.rejoin = true;
    join.code = join.code != null ? join.code : previous.code;
    client.join = join;
    if (!join.inChannel) {
      approvedClient(client);
    }
    AtomicReference<@Nullable WebRtcSession> candidate = new AtomicReference<>();
    Thread setup = new Thread(() -> {
      try {
        TunnelCore.Connected connected = HostConnect.connect(client.core, options, join, decisions::decideInChannel,
            session -> {
              candidate.set(session);
              client.core.track(session);
            });
        HostKeeper keeper = client.keeper;
        if (keeper != null) {
          keeper.rejoining();
        }
        client.core.replace(connected);
        LOG.log(Level.INFO, "client {0} rejoined; its connections resume over the new session", client);
      } catch (Throwable e) {
        WebRtcSession failed = candidate.get();
        if (failed != null) {
          failed.close("the rejoin failed: " + message(unwrap(e)));
        }
        LOG.log(Level.INFO, "a rejoin of client {0} failed: {1}", client, message(unwrap(e)));
        onLoop(() -> {
          if (!join.finished) {
            decisions.end(join, message(unwrap(e)), false);
          }
        });
      }
    }, "p2p-tunnel-host-rejoin");
    setup.setDaemon(true);
    setup.start();
  }

  void approvedClient(HostClient client) {
    client.approved = true;
    notify(() -> options.listener().onClientJoined(client));
  }

  private void left(HostClient client, String reason) {
    clients.remove(client);
    HostJoin join = client.join;
    if (!join.finished) {
      decisions.end(join, reason, false);
    }
    if (client.approved) {
      HostKeeper keeper = client.keeper;
      if (keeper == null || !keeper.freed(join)) {
        quietly(join.request.left(reason));
      }
      notify(() -> options.listener().onClientLeft(client, reason));
      if (!options.stayOpen() && clients.isEmpty() && !closing) {
        new Thread(() -> close("client " + client.clientName() + " left: " + reason), "p2p-tunnel-host-close")
            .start();
      }
    } else {
      notify(() -> options.listener().onClientRejected(join.clientName(), reason));
    }
  }

  /** See {@link HostClients#activeOtherThan}. */
  int activeClientsOtherThan(@Nullable String fingerprint) {
    return clients.activeOtherThan(fingerprint);
  }

  static void quietly(CompletableFuture<Void> step) {
    step.whenComplete((ok, error) -> {
      if (error != null) {
        LOG.log(Level.DEBUG, "telling signaling failed: {0}", error.toString());
      }
    });
  }

  /** A listener call, on the callback executor. */
  void notify(Runnable event) {
    callbacks.notify(event);
  }

  static String seconds(Duration d) {
    long s = d.toSeconds();
    return s % 60 == 0 && s >= 60 ? s / 60 + " min" : s + " s";
  }

  static @Nullable Throwable unwrap(@Nullable Throwable error) {
    Throwable t = error;
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static String message(@Nullable Throwable e) {
    if (e == null) {
      return "unknown error";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  // ------------------------------------------------------------------------------------------------ handle view

  @Override
  public TunnelHandle.State state() {
    if (closed.isDone()) {
      return TunnelHandle.State.CLOSED;
    }
    return everOpened ? TunnelHandle.State.OPEN : TunnelHandle.State.CONNECTING;
  }

  @Override
  public CompletableFuture<Void> opened() {
    return opened;
  }

  public List<ClientConnection> clients() {
    return clients.approved();
  }

  /** The sum over connected clients, sockets of all of them listed; null before any client opened. */
  @Override
  public @Nullable BridgeStats stats() {
    return clients.stats();
  }

  @Override
  public CompletableFuture<PathType> path() {
    return clients.path();
  }

  @Override
  public CompletableFuture<String> closed() {
    return closed;
  }

  /**
   * Stops taking joins, refuses those in progress, then disconnects every client and closes signaling (if the
   * options say the tunnel owns it) all at once, waiting for them {@link HostOptions#closeTimeout()} at most as a
   * whole; what has not finished by then goes on in the background, logged.
   */
  @Override
  public void close(String reason) {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    CompletableFuture<JoinRequest> pending = pendingNext;
    if (pending != null) {
      pending.cancel(true);
    }
    CompletableFuture<Void> refused = new CompletableFuture<>();
    onLoop(() -> {
      decisions.refuseAll("the host is closing");
      refused.complete(null);
    });
    long deadlineNs = System.nanoTime() + options.closeTimeout().toNanos();
    try {
      refused.get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.log(Level.DEBUG, "refusing the joins in progress did not finish: {0}", e.toString());
    }
    List<CompletableFuture<?>> closing = new ArrayList<>();
    if (options.closeSignaling()) {
      CompletableFuture<Void> signalingClosed = new CompletableFuture<>();
      Thread closer = new Thread(() -> {
        try {
          options.signaling().close();
        } catch (RuntimeException e) {
          LOG.log(Level.DEBUG, "closing signaling failed: {0}", e.toString());
        } finally {
          signalingClosed.complete(null);
        }
      }, "p2p-tunnel-host-close-signaling");
      closer.setDaemon(true);
      closer.start();
      closing.add(signalingClosed);
    }
    for (HostClient client : clients.all()) {
      client.core.closeAsync(reason); // in parallel: one slow client does not hold up the others
      closing.add(client.core.closed());
    }
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture<?>[]::new))
          .get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.log(Level.WARNING, "the host did not finish closing its clients and signaling within {0}; the rest goes on "
          + "in the background", seconds(options.closeTimeout()));
    }
    loop.shutdownNow();
    opened.completeExceptionally(new WebRtcException("host closed before a client connected: " + reason));
    closed.complete(reason);
  }
}

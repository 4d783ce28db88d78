package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.p2ptunnel.bridge.Bridge;
import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.SessionPlugin;
import dev.p2ptunnel.webrtc.TunnelHandle;
import dev.p2ptunnel.webrtc.WebRtcException;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle both tunnel ends share: a setup thread connects the session (through signaling), attaches the
 * plugins, starts the bridge over the open DataChannel; from then on the bridge lives until it closes, and the
 * session under it may change: when the path or the session fails, the {@link Keeper} restarts ICE, replaces the
 * session ({@link #replace}) or waits for the peer, while the bridge keeps every socket for its grace period (resume
 * extension). The bridge closing ends the tunnel, once. Thread-safe.
 */
public final class TunnelCore implements TunnelLifecycle {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.tunnel");
  /**
   * How long {@link #close} waits at most for the session, the bridge and the setup thread, as a whole, unless
   * {@link #closeTimeout(java.time.Duration)} says otherwise (the options' close bound).
   */
  public static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(10);

  /**
   * Connects a session and opens its channel; may block (signaling, a person's decision, ICE). Calls
   * {@link #attach} as soon as the session exists, so that closing the tunnel closes it.
   */
  @FunctionalInterface
  public interface Connector {
    Connected connect(TunnelCore core) throws Exception;
  }

  /** A session whose channel is open and may carry the bridge. */
  public record Connected(WebRtcSession session, MessageChannel channel) {}

  /** Starts the bridge over the open channel; {@code tunnelEvents} must hear the bridge's events too. */
  @FunctionalInterface
  public interface BridgeStarter {
    Bridge start(MessageChannel channel, BridgeListener tunnelEvents) throws IOException;
  }

  /**
   * What a tunnel end does about trouble: the client restarts ICE or rejoins, the host tells signaling and waits.
   * Every method is called on some thread of the tunnel (a session's, the bridge's loop) and must not block.
   */
  public interface Keeper {
    /** {@code connected} carries the bridge from now on (the first session, or one that replaced it). */
    void carrying(Connected connected);

    /** The connection state of the session that carries the bridge changed. */
    void pathChanged(WebRtcSession session, RTCPeerConnectionState state);

    /** The session that carried the bridge closed (the bridge keeps its sockets if the peer resumes). */
    void sessionEnded(WebRtcSession session, String reason);

    /** The bridge lost the peer (its channel closed, or keepalive silence); it waits for the grace period. */
    void lost(String reason);

    /** The bridge has the peer again: {@code resumed} sockets carry on, {@code closed} were not resumed. */
    void restored(int resumed, int closed);

    /** The tunnel ends: stop whatever is under way. */
    void closed(String reason);
  }

  /** A keeper that does nothing: the tunnel lives as long as its first session. */
  public static final Keeper NO_KEEPER = new Keeper() {
    @Override
    public void carrying(Connected connected) {}

    @Override
    public void pathChanged(WebRtcSession session, RTCPeerConnectionState state) {}

    @Override
    public void sessionEnded(WebRtcSession session, String reason) {}

    @Override
    public void lost(String reason) {}

    @Override
    public void restored(int resumed, int closed) {}

    @Override
    public void closed(String reason) {}
  };

  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final List<SessionPlugin> plugins;
  private final Thread setup;
  private volatile Keeper keeper = NO_KEEPER;
  private volatile TunnelHandle.State state = TunnelHandle.State.CONNECTING;
  private volatile @Nullable Instant reconnectingSince;
  private volatile @Nullable WebRtcSession session;
  private volatile @Nullable Bridge bridge;
  private volatile @Nullable String closeReason;
  private volatile @Nullable String shortAuthString;
  /** A signaling future a thread waits on; cancelled by close() or {@link #cancelWait}. */
  private volatile @Nullable CompletableFuture<?> waitingOn;

  public TunnelCore(String name, Connector connector, BridgeStarter starter, List<SessionPlugin> plugins) {
    this.plugins = List.copyOf(plugins);
    this.setup = new Thread(() -> run(connector, starter), name);
    setup.setDaemon(true);
  }

  /** Who handles trouble; set before {@link #start}. */
  public void keeper(Keeper value) {
    this.keeper = value;
  }

  public void start() {
    setup.start();
  }

  /** Waits on a signaling step, giving up when the tunnel is closed (or {@link #cancelWait}) meanwhile. */
  public <T> T await(CompletableFuture<T> future, String what) throws Exception {
    waitingOn = future;
    try {
      if (closeReason != null) {
        future.cancel(true);
      }
      return future.get();
    } catch (CancellationException e) {
      throw new WebRtcException(what + ": cancelled" + (closeReason != null ? ", the tunnel was closed" : ""), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof Exception exception ? exception : new WebRtcException(what + ": " + cause, cause);
    } finally {
      waitingOn = null;
    }
  }

  /** Cancels the signaling step a thread waits on in {@link #await}, if any (a rejoin that is no longer needed). */
  public void cancelWait() {
    CompletableFuture<?> waiting = waitingOn;
    if (waiting != null) {
      waiting.cancel(true);
    }
  }

  /**
   * The connector's session, as soon as it exists: plugins are installed, and a close from now on closes it. Closes
   * it at once if the tunnel is closing already.
   */
  public synchronized void attach(WebRtcSession created) {
    if (session == created) {
      return;
    }
    session = created;
    for (SessionPlugin plugin : plugins) {
      created.install(plugin);
    }
    String reason = closeReason;
    if (reason != null) {
      created.close(reason);
    }
  }

  /** A session that may replace the current one: plugins are installed; closing the tunnel meanwhile closes it. */
  public void track(WebRtcSession candidate) {
    for (SessionPlugin plugin : plugins) {
      candidate.install(plugin);
    }
    String reason = closeReason;
    if (reason != null) {
      candidate.close(reason);
    }
  }

  /**
   * {@code next} carries the bridge from now on: the bridge resumes every socket over its channel, and the session
   * that carried it so far is closed.
   *
   * @throws WebRtcException if the tunnel closed meanwhile ({@code next} is closed then)
   */
  public void replace(Connected next) {
    WebRtcSession old;
    Bridge current;
    synchronized (this) {
      current = bridge;
      if (closeReason != null || current == null || !current.isOpen()) {
        next.session().close("the tunnel is closed");
        throw new WebRtcException("the tunnel closed before the new session could carry it");
      }
      old = session;
      session = next.session();
    }
    current.attach(next.channel());
    carry(next);
    if (old != null && old != next.session()) {
      old.close("replaced by a new session");
    }
  }

  private void run(Connector connector, BridgeStarter starter) {
    try {
      Connected result = connector.connect(this);
      WebRtcSession connected = result.session();
      attach(connected);
      if (closeReason != null) {
        connected.close(closeReason);
        finish(closeReason);
        return;
      }
      MessageChannel channel = result.channel();
      SetupTrace.step("tunnel", "bridge starting on", connected);
      Bridge started = starter.start(channel, new BridgeEvents());
      SetupTrace.step("tunnel", "bridge started on", connected);
      bridge = started;
      carry(result);
      // The bridge decides when the tunnel ends: a session that closes only closes its channel, and the bridge
      // either resumes over another one or closes; once it closes, whatever session is current goes too.
      started.closed().whenCompleteAsync((reason, error) -> {
        String why = reason == null ? String.valueOf(error) : reason;
        keeper.closed(why);
        WebRtcSession current = session;
        if (current != null) {
          current.close(why);
        }
        finish(why);
      }, task -> { // closing the session blocks: a thread of ours, never the app's common pool
        Thread finisher = new Thread(task, setup.getName() + "-finish");
        finisher.setDaemon(true);
        finisher.start();
      });
      state = TunnelHandle.State.OPEN;
      opened.complete(null);
      if (closeReason != null) {
        started.close();
      }
    } catch (Throwable e) {
      String reason = "tunnel setup failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
      LOG.log(Level.DEBUG, reason, e);
      WebRtcSession s = session;
      if (s != null) {
        s.close(reason);
      }
      finish(closeReason != null ? closeReason : reason);
    }
  }

  /** {@code connected} carries the bridge: its path and its end go to the keeper. */
  private void carry(Connected connected) {
    WebRtcSession carrier = connected.session();
    if (keeper != NO_KEEPER && carrier instanceof PeerSession peer) { // else the session closes itself, as before
      peer.manage(connection -> keeper.pathChanged(carrier, connection));
    }
    keeper.carrying(connected);
    carrier.closed().thenAccept(reason -> {
      if (session == carrier && closeReason == null) {
        keeper.sessionEnded(carrier, reason);
      }
    });
  }

  private void finish(String reason) {
    state = TunnelHandle.State.CLOSED;
    reconnectingSince = null;
    opened.completeExceptionally(new WebRtcException("tunnel closed before it opened: " + reason));
    closed.complete(reason);
  }

  /** Set by the connector once the code is known. */
  public void shortAuthString(@Nullable String value) {
    shortAuthString = value;
  }

  /** Whether close() was called. */
  public boolean closing() {
    return closeReason != null;
  }

  public @Nullable String shortAuthString() {
    return shortAuthString;
  }

  /** The session that carries the bridge now (or is being set up), or null. */
  public @Nullable WebRtcSession session() {
    return session;
  }

  @Override
  public TunnelHandle.State state() {
    return state;
  }

  /** Since when the tunnel is {@link TunnelHandle.State#RECONNECTING}, or null. */
  public @Nullable Instant reconnectingSince() {
    return reconnectingSince;
  }

  @Override
  public CompletableFuture<Void> opened() {
    return opened;
  }

  /** The bridge, once started; null before. */
  public @Nullable Bridge bridge() {
    return bridge;
  }

  @Override
  public @Nullable BridgeStats stats() {
    Bridge b = bridge;
    return b == null ? null : b.stats();
  }

  @Override
  public CompletableFuture<PathType> path() {
    WebRtcSession s = session;
    if (s == null || state == TunnelHandle.State.CONNECTING || state == TunnelHandle.State.CLOSED) {
      return CompletableFuture.failedFuture(new WebRtcException("tunnel is not open"));
    }
    return s.path();
  }

  @Override
  public CompletableFuture<String> closed() {
    return closed;
  }

  /** Starts {@link #close} on a thread of its own; returns at once (for threads that must not block). */
  public void closeAsync(String reason) {
    Thread closer = new Thread(() -> close(reason), setup.getName() + "-close");
    closer.setDaemon(true);
    closer.start();
  }

  private volatile java.time.Duration closeTimeout = CLOSE_TIMEOUT;

  /** Bounds {@link #close}'s wait to {@code timeout} (validated by the options); returns this tunnel. */
  public TunnelCore closeTimeout(java.time.Duration timeout) {
    closeTimeout = timeout;
    return this;
  }

  @Override
  public void close(String reason) {
    synchronized (this) {
      if (closeReason == null) {
        closeReason = reason;
      }
    }
    keeper.closed(reason);
    cancelWait();
    Bridge b = bridge;
    if (b != null) {
      b.close(reason);
    }
    WebRtcSession s = session;
    if (s != null) {
      s.close(reason);
    }
    if (Thread.currentThread() != setup) {
      java.time.Duration bound = closeTimeout;
      long deadlineNs = System.nanoTime() + bound.toNanos(); // one bound for the whole wait
      try {
        setup.join(TimeUnit.NANOSECONDS.toMillis(bound.toNanos()) + 1);
        closed.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.log(Level.WARNING, "tunnel did not finish closing within {0}: {1}", bound,
            e.toString());
      }
    }
  }

  /**
   * The keeper saw the path fail before the bridge did (its keepalive takes longer): the tunnel is
   * {@link TunnelHandle.State#RECONNECTING} from now on, so that the time shown counts from the loss.
   */
  public void pathLost() {
    synchronized (this) {
      if (state == TunnelHandle.State.OPEN) {
        reconnectingSince = Instant.now();
        state = TunnelHandle.State.RECONNECTING;
      }
    }
  }

  /** The path came back before the bridge noticed it was lost: OPEN again (the bridge never stopped). */
  public void pathBack() {
    synchronized (this) {
      if (state == TunnelHandle.State.RECONNECTING) {
        state = TunnelHandle.State.OPEN;
        reconnectingSince = null;
      }
    }
  }

  /** The bridge's connection events: the tunnel's state, then the keeper. Bridge loop thread; never blocks. */
  private final class BridgeEvents implements BridgeListener {
    @Override
    public void onConnectionLost(String reason) {
      pathLost();
      keeper.lost(reason);
    }

    @Override
    public void onConnectionRestored(int socketsResumed, int socketsClosed) {
      pathBack();
      keeper.restored(socketsResumed, socketsClosed);
    }
  }
}

package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.Bridge;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.SessionPlugin;
import dev.p2ptunnel.webrtc.TunnelHandle;
import dev.p2ptunnel.webrtc.WebRtcException;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle both tunnel ends share: a setup thread connects the session (through signaling), attaches the
 * plugins, starts the bridge over the open DataChannel; then the bridge and the session close together, exactly
 * once, whichever goes first. Thread-safe.
 */
public final class TunnelCore implements TunnelLifecycle {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.tunnel");
  /** How long {@link #close} waits at most for the session, the bridge and the setup thread, as a whole. */
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

  /** Starts the bridge over the open channel. */
  @FunctionalInterface
  public interface BridgeStarter {
    Bridge start(MessageChannel channel) throws IOException;
  }

  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final List<SessionPlugin> plugins;
  private final Thread setup;
  private volatile TunnelHandle.State state = TunnelHandle.State.CONNECTING;
  private volatile @Nullable WebRtcSession session;
  private volatile @Nullable Bridge bridge;
  private volatile @Nullable String closeReason;
  private volatile @Nullable String shortAuthString;
  /** A signaling future the setup thread waits on; cancelled by close(). */
  private volatile @Nullable CompletableFuture<?> waitingOn;

  public TunnelCore(String name, Connector connector, BridgeStarter starter, List<SessionPlugin> plugins) {
    this.plugins = List.copyOf(plugins);
    this.setup = new Thread(() -> run(connector, starter), name);
    setup.setDaemon(true);
  }

  public void start() {
    setup.start();
  }

  /** Waits on a signaling step, giving up when the tunnel is closed meanwhile. */
  public <T> T await(CompletableFuture<T> future, String what) throws Exception {
    waitingOn = future;
    try {
      if (closeReason != null) {
        future.cancel(true);
      }
      return future.get();
    } catch (CancellationException e) {
      throw new WebRtcException(what + ": cancelled, the tunnel was closed", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof Exception exception ? exception : new WebRtcException(what + ": " + cause, cause);
    } finally {
      waitingOn = null;
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
      Bridge started = starter.start(channel);
      bridge = started;
      // Either side ending ends the other: the bridge closes the channel (which closes the session); a session
      // that closes closes the channel, which closes the bridge. Finish once both are down.
      connected.closed().thenAccept(reason -> started.close());
      started.closed().whenCompleteAsync((reason, error) -> {
        connected.close(reason == null ? "bridge closed" : reason);
        finish(reason == null ? String.valueOf(error) : reason);
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

  private void finish(String reason) {
    state = TunnelHandle.State.CLOSED;
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

  @Override
  public TunnelHandle.State state() {
    return state;
  }

  @Override
  public CompletableFuture<Void> opened() {
    return opened;
  }

  @Override
  public @Nullable BridgeStats stats() {
    Bridge b = bridge;
    return b == null ? null : b.stats();
  }

  @Override
  public CompletableFuture<PathType> path() {
    WebRtcSession s = session;
    if (s == null || state != TunnelHandle.State.OPEN) {
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

  @Override
  public void close(String reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
    CompletableFuture<?> waiting = waitingOn;
    if (waiting != null) {
      waiting.cancel(true);
    }
    Bridge b = bridge;
    if (b != null) {
      b.close();
    }
    WebRtcSession s = session;
    if (s != null) {
      s.close(reason);
    }
    if (Thread.currentThread() != setup) {
      long deadlineNs = System.nanoTime() + CLOSE_TIMEOUT.toNanos(); // one bound for the whole wait
      try {
        setup.join(TimeUnit.NANOSECONDS.toMillis(CLOSE_TIMEOUT.toNanos()) + 1);
        closed.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.log(Level.WARNING, "tunnel did not finish closing within {0} s: {1}", CLOSE_TIMEOUT.toSeconds(),
            e.toString());
      }
    }
  }
}

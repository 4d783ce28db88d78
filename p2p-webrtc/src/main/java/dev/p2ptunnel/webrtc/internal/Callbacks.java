package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.webrtc.ClientListener;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Where a tunnel runs the user's code: listener and approver calls, and the completions of the futures its public
 * API hands out. The user's executor when the options name one, else one daemon thread of the tunnel's own,
 * {@code p2p-tunnel-callbacks-<role>-N}, started by the first callback; never the common pool. After
 * {@link #shutdown()} that thread ends once it has been idle for {@value #LINGER_MILLIS} ms, and a callback that comes
 * later still (a completion racing the close) starts it again for as long as it takes: every callback of a tunnel of
 * ours runs on that named thread, however its completion is ordered against the close. When the user's executor refuses a callback, it runs
 * on the thread that delivers it. Thread-safe.
 */
public final class Callbacks implements Executor {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.tunnel");
  private static final AtomicInteger COUNT = new AtomicInteger();
  /** How long the tunnel's own callback thread outlives its last callback once the tunnel is closed. */
  static final long LINGER_MILLIS = 1_000;

  private final Executor executor;
  private final @Nullable ThreadPoolExecutor own;
  private volatile @Nullable Thread ownThread;

  private Callbacks(@Nullable Executor supplied, String role) {
    if (supplied != null) {
      this.executor = supplied;
      this.own = null;
    } else {
      String name = "p2p-tunnel-callbacks-" + role + "-" + COUNT.incrementAndGet();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, LINGER_MILLIS, TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(),
          task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            ownThread = thread;
            return thread;
          });
      this.executor = pool;
      this.own = pool;
    }
  }

  /** The user's {@code supplied} executor, or (null) a thread of the tunnel's own named after {@code role}. */
  public static Callbacks of(@Nullable Executor supplied, String role) {
    return new Callbacks(supplied, role);
  }

  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /** Runs the user's {@code event}, logging what it throws (it never reaches the tunnel's threads). */
  public void notify(Runnable event) {
    execute(() -> {
      try {
        event.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a listener threw; ignored", e);
      }
    });
  }

  /** Whether the caller is the tunnel's own callback thread (a listener calling back into the tunnel). */
  public boolean onOwnThread() {
    return own != null && Thread.currentThread() == ownThread;
  }

  /**
   * A future that completes as {@code source} does, on this executor, and whose {@code …Async} stages without an
   * executor run here too. Completes at once if {@code source} has already completed (nothing depends on it yet).
   */
  public <T> CompletableFuture<T> deliver(CompletableFuture<T> source) {
    CallbackFuture<T> out = new CallbackFuture<>(this);
    if (source.isDone()) {
      copy(source, out);
    } else {
      source.whenComplete((value, error) -> execute(() -> copy(source, out)));
    }
    return out;
  }

  private static <T> void copy(CompletableFuture<T> source, CompletableFuture<T> out) {
    source.whenComplete((value, error) -> {
      if (error != null) {
        out.completeExceptionally(error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error);
      } else {
        out.complete(value);
      }
    });
  }

  /** A client listener whose calls run here, in order. */
  public ClientListener clientListener(ClientListener listener) {
    return new ClientCalls(this, listener);
  }

  /** Every {@link ClientListener} call moved to the executor (ListenerChainTest checks that none is left out). */
  static final class ClientCalls implements ClientListener {
    private final Callbacks on;
    private final ClientListener listener;

    ClientCalls(Callbacks on, ClientListener listener) {
      this.on = on;
      this.listener = listener;
    }

    @Override
    public void onShortAuthString(String code) {
      on.notify(() -> listener.onShortAuthString(code));
    }

    @Override
    public void onNoShortAuthString() {
      on.notify(listener::onNoShortAuthString);
    }

    @Override
    public void onApproved() {
      on.notify(listener::onApproved);
    }

    @Override
    public void onConnectionLost(String reason, boolean needsPerson) {
      on.notify(() -> listener.onConnectionLost(reason, needsPerson));
    }

    @Override
    public void onRejoinFailed(String reason, java.time.Duration retryIn) {
      on.notify(() -> listener.onRejoinFailed(reason, retryIn));
    }

    @Override
    public void onConnectionRestored(int resumed, int closed) {
      on.notify(() -> listener.onConnectionRestored(resumed, closed));
    }

    @Override
    public void onServices(java.util.List<dev.p2ptunnel.bridge.SharedService> services) {
      on.notify(() -> listener.onServices(services));
    }

    @Override
    public void onMapped(dev.p2ptunnel.bridge.MappedPort port) {
      on.notify(() -> listener.onMapped(port));
    }

    @Override
    public void onMappingFailed(dev.p2ptunnel.bridge.Mapping mapping, String reason) {
      on.notify(() -> listener.onMappingFailed(mapping, reason));
    }
  }

  /**
   * Lets the tunnel's own thread end once the callbacks queued so far have run and it has been idle for
   * {@value #LINGER_MILLIS} ms; a user's executor is left alone. Not a pool shutdown: a completion that races the
   * close (its dependents run in no promised order) is still delivered on the named thread, never on whichever
   * thread completed it.
   */
  public void shutdown() {
    if (own != null) {
      own.allowCoreThreadTimeOut(true);
    }
  }

  /** A future whose default executor is the tunnel's callback executor. */
  static final class CallbackFuture<T> extends CompletableFuture<T> {
    private final Executor executor;

    CallbackFuture(Executor executor) {
      this.executor = executor;
    }

    @Override
    public Executor defaultExecutor() {
      return executor;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CallbackFuture<>(executor);
    }
  }
}

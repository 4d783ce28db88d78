package dev.p2ptunnel.webrtc.internal;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The session thread of one {@link PeerSession} ({@code p2pt-webrtc-N}, a daemon): runs its tasks and timers, one at
 * a time, and knows which thread runs libwebrtc's callbacks for the session (its signaling thread), so that blocking
 * calls from either can be refused. A task that throws closes the session. Thread-safe: any thread may hand it a
 * task; it owns nothing but its executor (the tasks own the peer connection).
 */
final class SessionThread {
  private final String name;
  private final ScheduledThreadPoolExecutor executor;
  private final Thread thread;
  /** Closes the session with a reason; never blocks. */
  private final Consumer<String> close;
  private volatile @Nullable Thread signalingThread;

  /** Starts the thread. */
  SessionThread(String name, Consumer<String> close) {
    this.name = name;
    this.close = close;
    AtomicReference<@Nullable Thread> started = new AtomicReference<>();
    this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      started.set(t);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.prestartCoreThread();
    this.thread = Objects.requireNonNull(started.get());
  }

  /**
   * Runs {@code task} on the session thread, unless the session is gone (then returns false); failures close the
   * session.
   */
  boolean execute(Runnable task) {
    try {
      executor.execute(guarded(task));
      return true;
    } catch (RejectedExecutionException e) {
      return false; // closed: nothing left to do
    }
  }

  /** Runs {@code task} on the session thread after {@code delayNs}, unless the session is gone (then null). */
  @Nullable Future<?> schedule(Runnable task, long delayNs) {
    try {
      return executor.schedule(guarded(task), delayNs, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** {@code task}, closing the session when it throws. */
  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        close.accept("internal error on the session thread: " + t);
        PeerSession.LOG.log(Level.ERROR, name + ": session task failed", t);
      }
    };
  }

  /** Queues the teardown, the last task (it ends the thread through {@link #stop()}); logs when the thread is gone. */
  void executeTeardown(Runnable teardown) {
    try {
      executor.execute(teardown);
    } catch (RejectedExecutionException e) {
      PeerSession.LOG.log(Level.ERROR, name + ": session thread gone before teardown", e);
    }
  }

  /**
   * Session thread, teardown: drops the timers and refuses every later task. {@code shutdownNow} interrupts this very
   * thread; the interrupt is cleared, as the futures' dependents run on it afterwards.
   */
  void stop() {
    executor.shutdownNow();
    Thread.interrupted();
  }

  /** For construction failures: ends the thread at once. */
  void abandon() {
    executor.shutdownNow();
  }

  /** libwebrtc callbacks: the calling thread is the session's signaling thread. */
  void noteCallbackThread() {
    Thread current = Thread.currentThread();
    if (signalingThread != current) {
      signalingThread = current;
    }
  }

  /** Whether the calling thread is the session thread or the signaling thread, where nothing may block. */
  boolean inCallbackThread() {
    Thread current = Thread.currentThread();
    return current == thread || current == signalingThread;
  }

  /** Refuses {@code method} on the session or the signaling thread, which it would block. */
  void requireBlockingAllowed(String method) {
    if (inCallbackThread()) {
      throw new IllegalStateException(name + ": " + method + " would block a session callback thread "
          + Thread.currentThread().getName() + " (expected: another thread, or the async variant)");
    }
  }
}

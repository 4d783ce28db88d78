package dev.p2ptunnel.demo;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Orderly stop on Ctrl-C and SIGTERM. Commands register what they open (tunnels, servers, reporters); on a signal
 * the shutdown hook closes them in reverse order within {@link #CLOSE_BUDGET_MS} and halts with exit code 0 (1 if
 * closing did not finish in time): the JVM's default for a signal would be 130/143, and an undisposed WebRTC factory
 * would otherwise keep it alive. A normal end closes the same way, then {@link #exit} ends the JVM. Thread-safe.
 */
final class Shutdown {
  /**
   * How long the hook waits for everything to close before it halts anyway. On a busy machine libwebrtc's threads
   * can take seconds to end, and a stop that was only slow is not a failure (a budget of 1.8 s once made a clean
   * Ctrl-C exit 1 in OfflineTunnelIT while another build ran beside it).
   */
  static final long CLOSE_BUDGET_MS = 4_800;

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final CompletableFuture<Void> requested = new CompletableFuture<>();
  private volatile boolean exiting;
  private volatile @Nullable Console console;

  /** Installs the hook; only the real process does this (tests run commands in-process without it). */
  void install() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::onSignal, "p2p-tunnel-shutdown"));
  }

  /** Where the hook reports that it is stopping. */
  void console(Console value) {
    console = value;
  }

  /** Closes {@code resource} on shutdown, before everything registered earlier. */
  synchronized <T extends AutoCloseable> T register(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Whether a signal asked the process to stop. */
  boolean requested() {
    return requested.isDone();
  }

  /** Completes when a signal asks the process to stop. */
  CompletableFuture<Void> onRequest() {
    return requested;
  }

  /**
   * Closes everything registered, newest first; idempotent. Holds the lock throughout, so the hook and a command's
   * own cleanup never race over half-closed resources.
   */
  synchronized void closeAll() {
    AutoCloseable resource;
    while ((resource = resources.poll()) != null) {
      try {
        resource.close();
      } catch (Throwable t) {
        Console c = console;
        if (c != null) {
          c.error("while closing " + resource.getClass().getSimpleName() + ": " + t, t);
        }
      }
    }
  }

  /**
   * If a signal is being handled, waits for the hook to halt the JVM (never returns); otherwise returns at once.
   * Lets a command thread that sees its tunnels close during shutdown stay quiet instead of reporting a failure.
   */
  void parkIfStopping() {
    while (requested()) {
      LockSupport.park(this);
    }
  }

  /** Ends a normal run: closes what is left, then exits with {@code code}. */
  void exit(int code) {
    closeAll();
    exiting = true;
    StdoutAtExit.detach(); // libwebrtc's exit lines: see there
    System.exit(code);
  }

  private void onSignal() {
    if (exiting) {
      return;
    }
    requested.complete(null);
    Console c = console;
    if (c != null) {
      c.event("stopping: closing tunnels and sockets");
    }
    Thread closer = new Thread(this::closeAll, "p2p-tunnel-close");
    closer.setDaemon(true);
    closer.start();
    boolean done = false;
    try {
      closer.join(CLOSE_BUDGET_MS);
      done = !closer.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (c != null) {
      if (done) {
        c.event("stopped");
      } else {
        c.error("closing took longer than " + TimeUnit.MILLISECONDS.toSeconds(CLOSE_BUDGET_MS + 200)
            + " s; exiting anyway");
      }
    }
    StdoutAtExit.detach(); // flushes both; libwebrtc's exit lines: see there
    Runtime.getRuntime().halt(done ? ExitCodes.OK : ExitCodes.FAILURE);
  }
}

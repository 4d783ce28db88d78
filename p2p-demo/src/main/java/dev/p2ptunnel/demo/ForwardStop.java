package dev.p2ptunnel.demo;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The first JVM's shutdown hook while a command runs in the second one ({@link ClassArchive}): passes a stop request
 * (Ctrl-C, SIGTERM) on and ends this JVM with the second one's exit code. It is registered before the second JVM is
 * started, which happens through {@link #start} under the same lock the hook takes first, so a stop request at any
 * moment either finds the second JVM started and passes it on, or comes first and keeps it from being started (this
 * JVM then halts with 0, like {@link Shutdown}'s clean stop): no stop leaves a second JVM running, and none can make
 * registering the hook throw after the second JVM exists. Thread-safe: the main thread starts, the hook's thread stops.
 */
final class ForwardStop implements Runnable {
  private final ClassArchive.Launch launch;
  private final boolean windows;
  /** Guarded by this, like the two flags. */
  private @Nullable Process child;
  private boolean stopping;
  private boolean abandoned;

  ForwardStop(ClassArchive.Launch launch, boolean windows) {
    this.launch = launch;
    this.windows = windows;
  }

  /** Starts the second JVM; null if a stop request came first (it is then never started). */
  synchronized @Nullable Process start(ProcessBuilder builder) throws IOException {
    if (stopping) {
      return null;
    }
    child = builder.start();
    return child;
  }

  /** The second JVM could not be started: the command runs in this JVM, and a stop request is {@link Shutdown}'s. */
  synchronized void abandon() {
    abandoned = true;
  }

  /**
   * Marks the stop request (from now on {@link #start} starts nothing) and returns the second JVM if it was started;
   * null if it never will be. The hook's first step; a method of its own for the tests.
   */
  synchronized @Nullable Process stopRequested() {
    stopping = true;
    return child;
  }

  /** Whether the command was left to this JVM ({@link #abandon}); the hook then does nothing. */
  synchronized boolean abandoned() {
    return abandoned;
  }

  @Override
  public void run() {
    Process started = stopRequested();
    if (abandoned()) {
      return;
    }
    if (started == null) {
      Runtime.getRuntime().halt(0); // stopped before the second JVM started; it never will
      return;
    }
    if (windows) {
      // destroy() is TerminateProcess there, no stop request: Ctrl-C reaches every process of the console, so the
      // second JVM is stopping by itself; it is ended only if it has not within its own budget and then some.
      waitQuietly(started, Shutdown.CLOSE_BUDGET_MS + 3_000);
    }
    if (started.isAlive()) {
      started.destroy(); // SIGTERM elsewhere: the second JVM's clean stop
    }
    Runtime.getRuntime().halt(ClassArchive.finish(started, launch));
  }

  private static void waitQuietly(Process process, long millis) {
    try {
      process.waitFor(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

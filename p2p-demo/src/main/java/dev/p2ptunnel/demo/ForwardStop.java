package dev.p2ptunnel.demo;

import java.io.IOException;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The first JVM's shutdown hook while a command is started in the second one ({@link ClassArchive}): passes a stop
 * request (Ctrl-C, SIGTERM) on and ends this JVM with the second one's exit code.
 *
 * <p>The relaunch is one state ({@link Phase}), read and changed only under this object's lock, each time in one step:
 * the main thread's {@link #start} (which starts the second JVM while it holds the lock, and records a failed start in
 * the same step) and the hook's {@link #stopRequested} (which marks the stop and takes the state it found). So a stop
 * request at any moment finds exactly one of:
 * <ul>
 *   <li>{@link Phase#STARTING}: the second JVM is never started; this JVM halts with 0, like {@link Shutdown}'s clean
 *       stop (nothing was opened). The main thread's {@link #start} returns null and it exits with 0 too.
 *   <li>{@link Phase#STARTED}: the stop goes on to the second JVM, and this JVM ends with its exit code.
 *   <li>{@link Phase#FAILED}: the second JVM could not be started and the command was to run in this JVM instead,
 *       but a stop request is under way: a JVM that is stopping cannot run it, whatever the hook does (once a stop
 *       request has started the shutdown hooks, the JVM ends when they end). The request stops it: this JVM halts
 *       with 0, as in {@link Phase#STARTING}, and the main thread, which cannot remove the hook any more, exits with
 *       0 as well ({@link ClassArchive#relaunch}), so both agree on the code. (This hook once did nothing here, leaving
 *       the stop to {@link Shutdown}, whose hook did not exist yet: the JVM then ended with 130/143 or with 0,
 *       whichever thread halted first.)
 * </ul>
 * A stop request after a failed start and the hook's removal, before the command installs {@link Shutdown}'s hook
 * (a few milliseconds in which nothing is open), ends the JVM with its own code for the signal, 130 (SIGINT) or 143
 * (SIGTERM), as in the first moments of any JVM that runs a command, the second one included (whose 130/143 this
 * hook passes on as its exit code): a stop request stops, never runs the command, and none is lost silently (the
 * README's "Exit codes"). Thread-safe: the main thread starts, the hook's thread stops.
 */
final class ForwardStop implements Runnable {
  /** Where the relaunch is. */
  enum Phase {
    /** Registered, the second JVM not started yet (or being started: under the lock). */
    STARTING,
    /** The second JVM was started. */
    STARTED,
    /** The second JVM could not be started: the command is to run in this JVM. */
    FAILED,
    /** A stop request came first: the second JVM is never started. */
    STOPPED
  }

  /** What the hook found in one step: the phase before the stop request, and the second JVM if it was started. */
  record Found(Phase phase, @Nullable Process child) {}

  /** Ends this JVM in the tests' place: a recorder instead of {@link Runtime#halt}. */
  interface Halt {
    void halt(int code);
  }

  private final ClassArchive.Launch launch;
  private final boolean windows;
  /** Null in the real hook: {@link Runtime#halt} (no class or lambda more to load on the first JVM's path). */
  private final @Nullable Halt halt;
  /** Guarded by this, like {@link #child}. */
  private Phase phase = Phase.STARTING;
  private @Nullable Process child;

  ForwardStop(ClassArchive.Launch launch, boolean windows) {
    this(launch, windows, null);
  }

  ForwardStop(ClassArchive.Launch launch, boolean windows, @Nullable Halt halt) {
    this.launch = launch;
    this.windows = windows;
    this.halt = halt;
  }

  /**
   * Starts the second JVM; null if a stop request came first (it is then never started, {@code builder} not run). A
   * start that throws leaves the relaunch {@link Phase#FAILED} in the same locked step, and the exception goes on.
   */
  synchronized @Nullable Process start(ProcessBuilder builder) throws IOException {
    if (phase != Phase.STARTING) {
      return null; // STOPPED; a second call is the caller's bug, and starts nothing either
    }
    try {
      child = builder.start();
    } catch (IOException | RuntimeException e) {
      phase = Phase.FAILED;
      throw e;
    }
    phase = Phase.STARTED;
    return child;
  }

  /**
   * The main thread's answer to a failed {@link #start}, given whether it could remove the hook: the command runs in
   * this JVM (empty); or, if it could not (a stop request is under way: the hook runs, and ends this JVM with 0 from
   * {@link Phase#FAILED}), this JVM ends with the same 0.
   */
  static OptionalInt afterFailedStart(boolean hookRemoved) {
    return hookRemoved ? OptionalInt.empty() : OptionalInt.of(ExitCodes.OK);
  }

  /** The phase now (for the tests). */
  synchronized Phase phase() {
    return phase;
  }

  /**
   * Marks the stop request (from now on {@link #start} starts nothing) and returns what it found, in one locked step.
   * The hook's first step; a method of its own for the tests.
   */
  synchronized Found stopRequested() {
    Found found = new Found(phase, child);
    if (phase == Phase.STARTING) {
      phase = Phase.STOPPED;
    }
    return found;
  }

  @Override
  public void run() {
    Process started = stopRequested().child();
    if (started == null) {
      // STARTING (it never starts now) or FAILED (this JVM is stopping, the command cannot run here): a clean stop
      halt(ExitCodes.OK);
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
    halt(ClassArchive.finish(started, launch));
  }

  private void halt(int code) {
    if (halt == null) {
      Runtime.getRuntime().halt(code);
    } else {
      halt.halt(code);
    }
  }

  private static void waitQuietly(Process process, long millis) {
    try {
      process.waitFor(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

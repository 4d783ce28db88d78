package dev.p2ptunnel.benchmarks.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * What the many-connections step measured on one variant ({@link ConnectionsStep}), as the JSON result carries it.
 * Counts are connections unless named bytes. Not thread-safe (the harness thread fills it).
 */
final class ConnectionsResult {
  /** Issue 8's bounds for every demo process at 10 000 connections. */
  static final int MAX_THREADS = 16;
  static final long MAX_HEAP_BYTES = 256L << 20;

  public final int connections;
  public final int active;
  public final String demoJvmOptions;
  public String driverFdLimit = "";
  public int established;
  public int connectFailed;
  /** Closed by the tunnel (EOF) before the proving byte came back. */
  public int closedEarly;
  public int reset;
  public long wrongBytes;
  public int timedOut;
  /** Driver start of the first connect to the last proving byte back, all connections. */
  public long establishMs;
  public double establishEachP50Ms;
  public double establishEachP99Ms;
  public double establishEachMaxMs;
  /** The echo service's count of open connections while they were held, -1 if it printed none. */
  public long serviceOpen = -1;
  public int activeAnswered;
  public int activeClosed;
  public int activeReset;
  public long activeWrongBytes;
  public int activeNotSent;
  public int activeTimedOut;
  /** First request sent to the last answer checked. */
  public double activeMs;
  public double activeP50Ms;
  public double activeP99Ms;
  /** Connections still open when the driver closed them, and those that closed, reset or got a byte by themselves. */
  public int heldAtClose;
  public int lostWhileHeld;
  public long unexpectedBytes;
  /** The driver's close command until the service and both demos count 0; -1 if they did not within the bound. */
  public long closeMs = -1;
  public final List<JvmSample> samples = new ArrayList<>();
  /** The demo's exit codes on SIGTERM (0: clean shutdown), -1 if it had to be killed or never got that far. */
  public int hostExit = -1;
  public int clientExit = -1;
  /** Lines of the demo logs that report a problem (apart from libwebrtc's harmless exit message). */
  public final List<String> logErrors = new ArrayList<>();

  ConnectionsResult(int connections, int active, String demoJvmOptions) {
    this.connections = connections;
    this.active = active;
    this.demoJvmOptions = demoJvmOptions;
  }

  /** Every connection established, answered and held, nothing wrong, both demos clean: else what was not. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (established != connections) {
      problems.add(established + " of " + connections + " connections established (connect failed " + connectFailed
          + ", closed " + closedEarly + ", reset " + reset + ", wrong byte " + wrongBytes + ", timed out " + timedOut
          + ")");
    }
    if (activeAnswered != Math.min(active, established) || activeWrongBytes != 0) {
      problems.add(activeAnswered + " of " + Math.min(active, established) + " active connections answered, "
          + activeWrongBytes + " wrong bytes (closed " + activeClosed + ", reset " + activeReset + ", timed out "
          + activeTimedOut + ")");
    }
    if (lostWhileHeld != 0 || unexpectedBytes != 0) {
      problems.add(lostWhileHeld + " connections lost while held, " + unexpectedBytes + " unexpected bytes");
    }
    if (hostExit != 0 || clientExit != 0) {
      problems.add("demo exit codes on SIGTERM: host " + hostExit + ", client " + clientExit + " (expected: 0)");
    }
    for (JvmSample s : samples) {
      if (!s.demoErrors().isEmpty()) {
        problems.add("demo " + s.role() + " counted errors " + s.demoErrors() + " (" + s.phase() + ")");
      }
    }
    if (!logErrors.isEmpty()) {
      problems.add(logErrors.size() + " problem lines in the demo logs, first: " + logErrors.get(0));
    }
    return problems;
  }

  /**
   * Issue 8's target: every sample within 16 JVM threads of the demo's own ({@link JvmSample#demoThreads}) and
   * 256 MiB of heap (after GC, and as the JVM's max).
   */
  boolean targetMet() {
    return !samples.isEmpty() && samples.stream().allMatch(s -> s.demoThreads() <= MAX_THREADS
        && s.heapUsedAfterGcBytes() <= MAX_HEAP_BYTES && s.maxHeapBytes() <= MAX_HEAP_BYTES);
  }
}

package dev.p2ptunnel.benchmarks.e2e;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The many-connections rows of the markdown table ({@link Report}), against issue 8's bounds. Stateless. */
final class ConnectionsReport {
  private ConnectionsReport() {}

  static void rows(StringBuilder md, String path, ConnectionsResult c) {
    int expectedActive = Math.min(c.active, c.established);
    md.append(String.format(Locale.ROOT, "| %s | %,d connections held: established / failed / closed / reset / wrong "
        + "bytes; time to establish and prove all (each p50 / p99) | %,d / %d / %d / %d / %d; %.2f s (%.1f / %.1f "
        + "ms) | – | – | all | %s |%n", path, c.connections, c.established, c.connectFailed + c.timedOut,
        c.closedEarly, c.reset, c.wrongBytes, c.establishMs / 1e3, c.establishEachP50Ms, c.establishEachP99Ms,
        met(c.established == c.connections)));
    md.append(String.format(Locale.ROOT, "| %s | %,d of them active at once (64 B round trip): answered / wrong bytes "
        + "/ closed+reset; time for all (p50 / p99) | %,d / %d / %d; %.1f ms (%.1f / %.1f ms) | – | – | all | %s |%n",
        path, expectedActive, c.activeAnswered, c.activeWrongBytes, c.activeClosed + c.activeReset, c.activeMs,
        c.activeP50Ms, c.activeP99Ms, met(c.activeAnswered == expectedActive && c.activeWrongBytes == 0)));
    for (String role : List.of("host", "client")) {
      List<JvmSample> samples = c.samples.stream().filter(s -> s.role().equals(role)).toList();
      if (samples.isEmpty()) {
        continue;
      }
      String phases = samples.stream().map(JvmSample::phase).collect(Collectors.joining(" / "));
      boolean threadsMet = samples.stream().allMatch(s -> s.demoThreads() <= ConnectionsResult.MAX_THREADS);
      boolean heapMet = samples.stream().allMatch(s -> s.heapUsedAfterGcBytes() <= ConnectionsResult.MAX_HEAP_BYTES
          && s.maxHeapBytes() <= ConnectionsResult.MAX_HEAP_BYTES);
      md.append(String.format(Locale.ROOT, "| %s | demo %s (%s): JVM threads (+ jcmd's Attach Listener; OS threads) "
          + "| %s | – | – | ≤ %d | %s |%n", path, role, phases, join(samples, s -> s.demoThreads() + " (+"
          + (s.jvmThreads() - s.demoThreads()) + "; " + s.osThreads() + ")"),
          ConnectionsResult.MAX_THREADS, met(threadsMet)));
      md.append(String.format(Locale.ROOT, "| %s | demo %s (%s): heap after full GC, MiB (max heap) | %s | – | – "
          + "| ≤ 256 MiB | %s |%n", path, role, phases, join(samples, s -> String.format(Locale.ROOT, "%.1f (%.0f)",
          JvmSample.mib(s.heapUsedAfterGcBytes()), JvmSample.mib(s.maxHeapBytes()))), met(heapMet)));
      md.append(String.format(Locale.ROOT, "| %s | demo %s (%s): RSS before → after the sample's full GC, MiB (peak); "
          + "open fds (limit soft/hard) | %s | | | | |%n", path, role, phases, join(samples, s -> String.format(
          Locale.ROOT, "%.0f → %.0f (%.0f); %,d fds (%s)", JvmSample.mib(s.rssBeforeBytes()),
          JvmSample.mib(s.rssBytes()), JvmSample.mib(s.rssPeakBytes()), s.openFds(), s.fdLimit()))));
      // The names while held, and at the end if they differ (pools that shrank while idle).
      JvmSample first = samples.get(0);
      JvmSample last = samples.get(samples.size() - 1);
      for (JvmSample s : last.javaThreadNames().equals(first.javaThreadNames()) ? List.of(first)
          : List.of(first, last)) {
        md.append(String.format(Locale.ROOT, "| %s | demo %s (%s): Java threads by name (thread dump) | %s | | | | "
            + "|%n", path, role, s.phase(), names(s.javaThreadNames())));
      }
      md.append(String.format(Locale.ROOT, "| %s | demo %s (%s): JVM-internal threads (GC, VM) | %s | | | | |%n",
          path, role, first.phase(), names(first.vmThreadNames())));
    }
    long demoErrors = c.samples.stream().mapToLong(s -> s.demoErrors().values().stream().mapToLong(Long::longValue)
        .sum()).sum();
    boolean clean = demoErrors == 0 && c.logErrors.isEmpty() && c.hostExit == 0 && c.clientExit == 0
        && c.lostWhileHeld == 0 && c.unexpectedBytes == 0;
    md.append(String.format(Locale.ROOT, "| %s | errors: demo error counters / problem lines in demo logs / lost while "
        + "held; exit on SIGTERM host, client; close all → every side counts 0 | %d / %d / %d; %d, %d; %s | – | – | "
        + "none | %s |%n", path, demoErrors, c.logErrors.size(), c.lostWhileHeld, c.hostExit, c.clientExit,
        c.closeMs < 0 ? "not within bound" : c.closeMs + " ms", met(clean)));
  }

  private static String join(List<JvmSample> samples, java.util.function.Function<JvmSample, String> value) {
    return samples.stream().map(value).collect(Collectors.joining(" / "));
  }

  private static String names(Map<String, Integer> counts) {
    return counts.entrySet().stream().map(e -> e.getKey().replace('|', '/')
        + (e.getValue() > 1 ? " ×" + e.getValue() : "")).collect(Collectors.joining(", "));
  }

  private static String met(boolean met) {
    return met ? "yes" : "**no**";
  }
}

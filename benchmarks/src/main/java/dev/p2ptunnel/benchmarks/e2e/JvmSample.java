package dev.p2ptunnel.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the many-connections step measures in one demo JVM at one moment, from outside the process: {@code jcmd}
 * (which attaches across network namespaces: its socket is a file in the shared /tmp) and /proc. Nothing in the demo
 * helps; the attach adds one thread to it, the "Attach Listener", which every count here includes. Immutable.
 *
 * @param phase when: {@code held} (every connection open, idle) or {@code after-active}
 * @param jvmThreads live Java threads ({@code java.threads.live}, what ThreadMXBean.getThreadCount() says): those
 *     Java code started plus native threads attached to the JVM (libwebrtc's), without the JVM's own GC/JIT threads
 * @param osThreads every thread of the process ({@code Threads:} in /proc/PID/status)
 * @param javaThreadNames the thread dump's Java threads by name, numbers replaced by N (the JVM's compiler, sweeper,
 *     service and monitor-deflation threads included, which it hides from {@code jvmThreads})
 * @param vmThreadNames the thread dump's JVM-internal threads (GC, VM operations) by name, numbers replaced by N
 * @param heapUsedAfterGcBytes heap in use just after {@code GC.run} (a full collection)
 * @param maxHeapBytes the JVM's MaxHeapSize, which proves the -Xmx the step set
 * @param rssBeforeBytes resident set before the sample's full GC ({@code VmRSS}): the collection itself moves live
 *     objects into regions it may not have touched before, so it can grow the resident set it measures
 * @param rssBytes resident set after the collection ({@code VmRSS}); {@code rssPeakBytes} is {@code VmHWM}
 * @param fdLimit "soft/hard" of the process's open-files limit (the JVM raises soft to hard at start)
 * @param demoOpenSockets the demo's own count of open tunnelled connections (its last {@code --stats-json} line), -1
 *     if it printed none
 * @param demoErrors the demo's error counters from the same line
 */
record JvmSample(String phase, String role, long pid, int jvmThreads, int osThreads,
    Map<String, Integer> javaThreadNames, Map<String, Integer> vmThreadNames, long heapUsedAfterGcBytes,
    long maxHeapBytes, long rssBeforeBytes, long rssBytes, long rssPeakBytes, long openFds, String fdLimit, int demoOpenSockets,
    Map<String, Long> demoErrors) {

  /**
   * In one attach: a full GC first, so that the heap figure is live data only, then the readings. (PerfCounter.print
   * is no command of the JVM's but of jcmd itself, which reads the JVM's hsperfdata file: a second jcmd run.)
   */
  private static final List<String> JCMD_COMMANDS = List.of("GC.run", "GC.heap_info", "VM.flags", "Thread.print");
  private static final long JCMD_TIMEOUT_MS = 60_000;
  private static final Pattern HEAP = Pattern.compile("(?m)^\\s+\\S.*\\btotal (\\d+)K, used (\\d+)K");
  private static final Pattern MAX_HEAP = Pattern.compile("-XX:MaxHeapSize=(\\d+)");
  private static final Pattern LIVE_THREADS = Pattern.compile("(?m)^java\\.threads\\.live=(\\d+)");
  private static final Pattern DUMPED_THREAD = Pattern.compile("(?m)^\"([^\"\\n]*)\"( #\\d+)?");
  /** The numbers of numbered threads ("GC Thread#1", "HttpClient-1-Worker-0", "C2 CompilerThread0"), not "p2p". */
  private static final Pattern NUMBERING = Pattern.compile("(?<=[-#])\\d+|(?<=[A-Za-z])\\d+$");
  private static final ObjectMapper JSON = new ObjectMapper();

  static JvmSample take(String phase, String role, LabProcess process, Path dir)
      throws IOException, InterruptedException {
    long pid = process.jvmPid();
    String name = "connections-" + phase + "-" + role;
    Path commands = dir.resolve("jcmd-commands.txt");
    Files.write(commands, JCMD_COMMANDS, StandardCharsets.UTF_8);
    long rssBeforeKib = procStatus(pid).get("VmRSS");
    String jcmd = jcmd(pid, dir.resolve(name + ".jcmd.txt"), "-f", commands.toString());
    String counters = jcmd(pid, dir.resolve(name + ".perf.txt"), "PerfCounter.print");
    Map<String, Long> status = procStatus(pid);
    Map<String, Integer> javaThreads = new TreeMap<>();
    Map<String, Integer> vmThreads = new TreeMap<>();
    for (Matcher m = DUMPED_THREAD.matcher(jcmd); m.find(); ) {
      (m.group(2) != null ? javaThreads : vmThreads).merge(NUMBERING.matcher(m.group(1)).replaceAll("N"), 1,
          Integer::sum);
    }
    long heapUsedKib = 0;
    boolean heapFound = false;
    for (Matcher m = HEAP.matcher(jcmd); m.find(); ) {
      heapUsedKib += Long.parseLong(m.group(2));
      heapFound = true;
    }
    if (!heapFound) {
      throw new IOException("jcmd " + pid + ": no heap line in GC.heap_info (see " + name + ".jcmd.txt)");
    }
    JsonNode stats = lastStats(process.output());
    Map<String, Long> errors = new TreeMap<>();
    stats.path("errors").properties().forEach(e -> errors.put(e.getKey(), e.getValue().asLong()));
    long fds;
    try (Stream<Path> list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds = list.count();
    }
    return new JvmSample(phase, role, pid, Integer.parseInt(find(LIVE_THREADS, counters, pid)),
        Math.toIntExact(status.get("Threads")), javaThreads, vmThreads, heapUsedKib << 10,
        Long.parseLong(find(MAX_HEAP, jcmd, pid)), rssBeforeKib << 10, status.get("VmRSS") << 10, status.get("VmHWM") << 10, fds,
        openFileLimit(pid), stats.path("openSockets").asInt(-1), errors);
  }

  /**
   * The JVM threads the demo runs by itself: {@link #jvmThreads} without the "Attach Listener", which exists only
   * because jcmd attached to take this sample. What issue 8's thread target is checked against.
   */
  int demoThreads() {
    return jvmThreads - javaThreadNames.getOrDefault("Attach Listener", 0);
  }

  /** The demo's open connections by its last {@code --stats-json -} line in {@code log}, -1 if none yet. */
  static int demoOpenSockets(String log) {
    return lastStats(log).path("openSockets").asInt(-1);
  }

  private static JsonNode lastStats(String log) {
    String[] lines = log.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (lines[i].startsWith("{") && lines[i].endsWith("}")) {
        try {
          return JSON.readTree(lines[i]);
        } catch (IOException e) {
          // a line cut by the read: try the one before
        }
      }
    }
    return JSON.createObjectNode();
  }

  /** {@code jcmd PID ARGS…}, output to {@code output} and returned; fails on a non-zero exit or after the bound. */
  private static String jcmd(long pid, Path output, String... args) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> command = new ArrayList<>(List.of(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
        Long.toString(pid)));
    command.addAll(List.of(args));
    // Output to a file, not a pipe: reading a pipe could block past the timeout.
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!p.waitFor(JCMD_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
      throw new IOException("jcmd " + pid + " did not finish within " + JCMD_TIMEOUT_MS + " ms (see " + output + ")");
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " " + String.join(" ", args) + " exited " + p.exitValue() + ": "
          + text.lines().filter(line -> !line.startsWith(" ")).reduce((a, b) -> b).orElse("") + " (see " + output
          + ")");
    }
    return text;
  }

  private static String find(Pattern pattern, String text, long pid) throws IOException {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IOException("jcmd " + pid + ": no /" + pattern + "/ in its output");
    }
    return m.group(1);
  }

  /** The numeric fields of /proc/PID/status, in their unit (kB for the Vm* ones). */
  private static Map<String, Long> procStatus(long pid) throws IOException {
    Map<String, Long> values = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      String[] parts = line.split(":\\s+", 2);
      if (parts.length == 2 && parts[1].matches("\\d+( kB)?")) {
        values.put(parts[0], Long.parseLong(parts[1].replace(" kB", "")));
      }
    }
    for (String key : List.of("Threads", "VmRSS", "VmHWM")) {
      if (!values.containsKey(key)) {
        throw new IOException("/proc/" + pid + "/status: no " + key);
      }
    }
    return values;
  }

  private static String openFileLimit(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
      if (line.startsWith("Max open files")) {
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        return fields[0] + "/" + fields[1];
      }
    }
    return "unknown";
  }

  /** e.g. {@code "14 JVM / 40 OS threads, heap 12.3 MiB after GC (max 256 MiB), RSS 180 MiB"}. */
  String line() {
    return String.format(Locale.ROOT, "%d JVM / %d OS threads, heap %.1f MiB after GC (max %.0f MiB), RSS %.0f → %.0f "
        + "MiB across the GC (peak %.0f MiB), %d fds (limit %s), demo counts %d open, errors %s", jvmThreads, osThreads,
        mib(heapUsedAfterGcBytes), mib(maxHeapBytes), mib(rssBeforeBytes), mib(rssBytes), mib(rssPeakBytes), openFds, fdLimit,
        demoOpenSockets, demoErrors.isEmpty() ? "none" : demoErrors);
  }

  static double mib(long bytes) {
    return bytes / 1048576.0;
  }
}

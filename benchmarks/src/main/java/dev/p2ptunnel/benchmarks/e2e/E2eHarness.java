package dev.p2ptunnel.benchmarks.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * End-to-end benchmark in the network lab (issue 8): on the same path and in the same run, a raw DataChannel (same
 * webrtc-java stack, {@link RawPeer}) against the tunnel (the demo's {@code host} and {@code client} with iperf3 and
 * a TCP echo service), for throughput (1 and 8 streams), 64-byte round trips and setup time, on the direct path
 * ({@code cone}, STUN) and the relayed one ({@code symmetric}, STUN + TURN). Run it through
 * {@code scripts/bench-e2e.sh}, which builds nothing, checks root and tools, and bounds the whole run.
 *
 * <pre>
 * E2eHarness [--quick] [--variant cone|symmetric]... [--only STEP[,STEP]]... [--runs N] [--raw-mb N]
 *     [--iperf-seconds N] [--setup-runs N] [--pings N] [--warmup-pings N] [--fairness-seconds N (0: skip)]
 *     [--connections N (0: skip)] [--active N] [--idle-seconds N (0: skip)] [--load-seconds N]
 *     [--demo-jvm-options "OPTS"] [--demo-options "OPTS"]
 *     --netlab scripts/netlab.sh --demo-jar p2p-demo/target/p2p-tunnel.jar --out benchmarks/target/e2e-result.json
 *     [--update-doc docs/PERFORMANCE.md --command "scripts/bench-e2e.sh …"]
 * </pre>
 *
 * <p>{@code --update-doc}: after a complete run (both variants, every step, default sizes, no variant skipped), the
 * table between the markers of {@link Report#DOC_BEGIN} and {@link Report#DOC_END} in that file is replaced by this
 * run's, headed by {@code --command}; after any other run the file is left alone.
 *
 * <p>{@code --only} runs only the steps named by one of the words of {@link #STEPS}: {@code throughput} (raw and
 * tunnel), {@code latency} (raw, and tunnel with setup), {@code setup} (setup with tunnel latency: one step),
 * {@code fairness}, {@code redis} ({@link RedisStep}), {@code loaded} (1 KiB round trips under a download,
 * {@link LoadedLatencyStep}), {@code connections}. {@code --demo-jvm-options} and {@code --demo-options} (each a
 * space-separated list) go to every demo host and client of the throughput, setup, redis and loaded steps: for
 * experiments, never in a complete run.
 *
 * <p>Brings each variant up with {@code netlab.sh up}, takes it down again in a finally block, and kills every
 * process it started (also from a shutdown hook). Writes the JSON result and a markdown table next to it.
 */
public final class E2eHarness {
  /** What to run; sizes in bytes, durations in seconds or milliseconds as named. */
  record Settings(boolean quick, List<String> variants, Set<String> only, int runs, long rawBytes, int iperfSeconds,
      int iperfOmitSeconds, int setupRuns, long fairnessSeconds, int pings, int warmupPings, int connections,
      int activeConnections, long idleSeconds, long loadSeconds, long timeoutMs, Path netlab, Path demoJar, Path out,
      Path work, boolean defaultSizes, List<String> demoJvmOptions, List<String> demoOptions,
      @Nullable Path updateDoc, String command) {

    /** Everything measured, with the default sizes, on both paths: the run whose table docs/PERFORMANCE.md shows. */
    boolean complete() {
      return !quick && only.isEmpty() && variants.containsAll(FULL_VARIANTS) && defaultSizes;
    }

    /** Whether {@code --only} (empty: everything) names a word of this step's name, e.g. "raw throughput run 0". */
    boolean selected(String stepName) {
      return only.isEmpty() || Arrays.stream(stepName.split(" ")).anyMatch(only::contains);
    }
  }

  /** The words {@code --only} accepts: each names the steps whose name contains it. */
  static final List<String> STEPS = List.of("throughput", "latency", "setup", "fairness", "redis", "loaded",
      "connections");

  private static final int LAB_ATTEMPTS = 3;
  private static final List<String> FULL_VARIANTS = List.of("cone", "symmetric");
  private static final List<String> SIZE_OPTIONS = List.of("runs", "raw-mb", "iperf-seconds", "setup-runs",
      "fairness-seconds", "pings", "warmup-pings", "connections", "active", "idle-seconds", "load-seconds",
      "demo-jvm-options", "demo-options");
  /** Exit code for "nothing measured: the lab cannot run here"; bench-e2e.sh --quick turns it into a skip. */
  static final int EXIT_CANNOT_RUN = 3;

  private final List<LabProcess> processes = new CopyOnWriteArrayList<>();
  private final String java = ProcessHandle.current().info().command()
      .orElse(System.getProperty("java.home") + "/bin/java");

  private final Path netlab;
  private final Path netlabLog;

  private E2eHarness(Path netlab, Path netlabLog) {
    this.netlab = netlab;
    this.netlabLog = netlabLog;
  }

  public static void main(String[] argv) throws Exception {
    Settings settings;
    try {
      settings = settings(new Args(argv));
    } catch (IllegalArgumentException e) {
      System.err.println("E2eHarness: " + e.getMessage());
      System.exit(2);
      return;
    }
    E2eHarness harness = new E2eHarness(settings.netlab(), settings.work().resolve("netlab.log"));
    Runtime.getRuntime().addShutdownHook(new Thread(harness::killAll, "kill-lab-processes"));
    // The lab is one per machine: scripts/bench-e2e.sh holds flock on /tmp/p2plab.lock (as the lab tests do) for
    // the whole run. Run standalone, this harness would tear down a lab that someone else is using.
    System.exit(harness.run(settings));
  }

  /** The settings of the command line; IllegalArgumentException says which option is wrong. */
  private static Settings settings(Args args) throws IOException {
    boolean quick = args.has("quick");
    List<String> variants = args.all("variant").isEmpty()
        ? (quick ? List.of("cone") : FULL_VARIANTS) : args.all("variant");
    for (String variant : variants) {
      if (!variant.equals("cone") && !variant.equals("symmetric")) {
        throw new IllegalArgumentException("--variant " + variant + " (expected: cone or symmetric)");
      }
    }
    Set<String> only = new LinkedHashSet<>();
    for (String value : args.all("only")) {
      for (String step : value.split(",")) {
        if (!STEPS.contains(step)) {
          throw new IllegalArgumentException("--only " + step + " (expected: one or more of " + STEPS + ")");
        }
        only.add(step);
      }
    }
    int connections = (int) args.getLong("connections", quick ? 200 : 10_000);
    int active = (int) args.getLong("active", Math.min(connections, quick ? 50 : 1_000));
    if (connections < 0 || active < 0 || active > connections) {
      throw new IllegalArgumentException("--connections " + connections + " --active " + active
          + " (expected: 0 <= active <= connections; --connections 0 skips the step)");
    }
    Path out = Path.of(args.get("out", "benchmarks/target/e2e-result.json"));
    return new Settings(quick, variants, Set.copyOf(only),
        (int) args.getLong("runs", quick ? 1 : 5),
        // ~8 s at the ~70 MB/s of the direct path: as long as an iperf3 run, so both see the same kind of noise
        args.getLong("raw-mb", quick ? 5 : 600) * 1_000_000,
        (int) args.getLong("iperf-seconds", quick ? 1 : 8),
        quick ? 0 : 1,
        (int) args.getLong("setup-runs", quick ? 1 : 10),
        args.getLong("fairness-seconds", quick ? 0 : 5),
        (int) args.getLong("pings", quick ? 200 : 20_000),
        // Steady state, not JIT warm-up: a fresh tunnel runs four JVMs whose relay paths compile during the first
        // ~2-3 s of traffic (10 000 round trips); raw gets the same warm-up. docs/PERFORMANCE.md has the evidence.
        (int) args.getLong("warmup-pings", quick ? 100 : 10_000),
        connections,
        active,
        args.getLong("idle-seconds", quick ? 0 : 70),
        args.getLong("load-seconds", quick ? 1 : 4),
        quick ? 20_000 : 60_000,
        Path.of(args.get("netlab", "scripts/netlab.sh")),
        Path.of(args.get("demo-jar", "p2p-demo/target/p2p-tunnel.jar")),
        out,
        freshDirectory(out.resolveSibling("e2e")),
        SIZE_OPTIONS.stream().noneMatch(args::has),
        words(args.get("demo-jvm-options", "")),
        words(args.get("demo-options", "")),
        args.has("update-doc") ? Path.of(args.get("update-doc", "")) : null,
        args.get("command", "E2eHarness"));
  }

  private static List<String> words(String text) {
    return text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
  }

  private int run(Settings settings) throws Exception {
    Report report = new Report(settings);
    System.out.println("# e2e benchmark: " + report.machine());
    boolean anyError = false;
    for (String variant : settings.variants()) {
      // The lab's namespace names are fixed: another user of netlab.sh on this machine (a lab test) tears ours
      // down. Such a variant is measured again from the start, up to LAB_ATTEMPTS times.
      for (int attempt = 1; attempt <= LAB_ATTEMPTS; attempt++) {
        System.out.println("## variant " + variant + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
        String lost = runVariant(settings, report, variant);
        if (lost == null) {
          break;
        }
        System.out.println("  " + lost);
        if (attempt == LAB_ATTEMPTS) {
          report.skipped(variant, lost + " (" + LAB_ATTEMPTS + " attempts)");
          anyError = true;
        }
      }
    }
    anyError |= report.hasErrors();
    if (report.nothingMeasured()) {
      report.write();
      System.out.println("bench-e2e: the lab could not come up: " + report.skippedReasons());
      return EXIT_CANNOT_RUN;
    }
    report.write();
    System.out.println(report.markdown());
    int exit = anyError ? 1 : 0;
    Path doc = settings.updateDoc();
    if (doc != null) {
      if (settings.complete() && !report.anySkipped()) {
        report.updateDoc(doc, exit);
        System.out.println(doc + ": table updated (between " + Report.DOC_BEGIN + " and " + Report.DOC_END + ")");
      } else {
        System.out.println(doc + ": not updated: it shows complete runs only (both paths, every step, default "
            + "sizes; no variant skipped)");
      }
    }
    System.out.println("JSON: " + settings.out() + ", markdown: " + report.markdownPath() + ", logs: "
        + settings.work());
    return exit;
  }

  /** Deletes and recreates {@code dir}: a stale offer or answer file from an earlier run would be read as new. */
  static Path freshDirectory(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir);
  }

  /** Runs one variant into {@code report}; the reason if the lab was lost under it (then nothing is reported). */
  private @Nullable String runVariant(Settings settings, Report report, String variant) throws IOException {
    Map<String, String> env;
    try {
      env = netlab("up", variant);
    } catch (IOException | InterruptedException e) {
      System.out.println("  lab did not come up: " + e.getMessage());
      report.skipped(variant, "lab did not come up: " + e.getMessage());
      netlabDown();
      return null;
    }
    try {
      report.add(new VariantRun(settings, this, variant, env).run());
      return null;
    } catch (VariantRun.LabLostException e) {
      return e.getMessage();
    } catch (Exception e) {
      System.out.println("  variant " + variant + " failed: " + e.getMessage());
      report.skipped(variant, String.valueOf(e.getMessage()));
      return null;
    } finally {
      killAll();
      netlabDown();
    }
  }

  String java() {
    return java;
  }

  LabProcess start(String ns, String name, Path logDir, List<String> command) throws IOException {
    LabProcess process = LabProcess.start(ns, name, logDir, command);
    processes.add(process);
    return process;
  }

  private void killAll() {
    processes.forEach(LabProcess::kill);
    processes.clear();
  }

  private Map<String, String> netlab(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", netlab.toString()));
    command.addAll(List.of(args));
    // Output to a file, not a pipe: reading a pipe could block past the timeout.
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(netlabLog.toFile()).start();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    String output = Files.readString(netlabLog, StandardCharsets.UTF_8);
    if (!exited || p.exitValue() != 0) {
      throw new IOException("netlab.sh " + String.join(" ", args) + (exited ? " exited " + p.exitValue()
          : " timed out") + ": " + output.strip());
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }

  private void netlabDown() {
    try {
      netlab("down");
    } catch (IOException | InterruptedException e) {
      System.out.println("netlab.sh down failed: " + e.getMessage());
    }
  }
}

package dev.p2ptunnel.benchmarks.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process in a lab namespace ({@code ip netns exec NS …}, which execs the command, so the pid is the command's),
 * with stdout and stderr in a log file that the harness reads for the lines it waits for. Thread-safe for
 * {@link #kill()}, which a shutdown hook may call; otherwise used by the harness thread only.
 */
final class LabProcess implements AutoCloseable {
  private static final long POLL_MS = 2;

  private final String name;
  private final Process process;
  private final Path log;
  final long startedEpochMs;

  private LabProcess(String name, Process process, Path log, long startedEpochMs) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.startedEpochMs = startedEpochMs;
  }

  /** Starts {@code command} in namespace {@code ns}, output to {@code logDir/name.log}. */
  static LabProcess start(String ns, String name, Path logDir, List<String> command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(command);
    Path log = logDir.resolve(name + ".log");
    long now = System.currentTimeMillis();
    Process process = new ProcessBuilder(full).redirectErrorStream(true)
        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    return new LabProcess(name, process, log, now);
  }

  String name() {
    return name;
  }

  /** The command's pid ({@code ip netns exec} execs it), e.g. for jcmd and /proc. */
  long pid() {
    return process.pid();
  }

  /**
   * The JVM that runs a demo's command: the second JVM that {@code java -jar p2p-tunnel.jar} starts with its class
   * archive (p2p-demo's ClassArchive, marked {@code -Dp2p.cds.parent=PID}), else {@link #pid()}. For jcmd.
   */
  long jvmPid() {
    String mark = "-Dp2p.cds.parent=" + process.pid();
    return process.toHandle().descendants()
        .filter(h -> h.info().arguments().map(a -> java.util.Arrays.asList(a).contains(mark)).orElse(false))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Writes {@code line} and a newline to the process's standard input (a command for a driver). */
  void tell(String line) throws IOException {
    var in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  Path log() {
    return log;
  }

  /** The first match of {@code regex} in the output, waiting up to {@code timeoutMs}; fails if the process ends. */
  Matcher await(String regex, long timeoutMs) throws IOException, InterruptedException {
    Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      boolean ended = !process.isAlive();
      String text = Files.readString(log, StandardCharsets.UTF_8);
      Matcher m = pattern.matcher(text);
      if (m.find()) {
        return m;
      }
      if (ended) {
        throw new IOException(name + " ended (exit " + process.exitValue() + ") without /" + regex + "/; log "
            + log + ":\n" + tail(text));
      }
      if (System.nanoTime() > deadlineNs) {
        throw new IOException(name + ": no /" + regex + "/ within " + timeoutMs + " ms; log " + log + ":\n"
            + tail(text));
      }
      Thread.sleep(POLL_MS);
    }
  }

  /** Waits for the exit, up to {@code timeoutMs}; kills the process if it has not exited. The exit code, or -1. */
  int waitFor(long timeoutMs) throws InterruptedException {
    if (process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      return process.exitValue();
    }
    kill();
    return -1;
  }

  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Kills the process and its descendants at once; idempotent. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** SIGTERM (the demo's clean shutdown), up to 5 s, then SIGKILL; waits for the exit either way (bounded). */
  @Override
  public void close() {
    stop();
  }

  /**
   * {@link #close()}, returning the exit code if the process ended by itself or on SIGTERM (the demo exits 0 after a
   * clean shutdown; 143 means it died of the signal), or -1 if it had to be killed.
   */
  int stop() {
    process.destroy();
    try {
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        return process.exitValue();
      }
      kill();
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    }
    return -1;
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    StringBuilder out = new StringBuilder();
    for (int i = Math.max(0, lines.length - 15); i < lines.length; i++) {
      out.append("    ").append(lines[i]).append('\n');
    }
    return out.toString();
  }
}

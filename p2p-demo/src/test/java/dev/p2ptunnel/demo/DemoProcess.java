package dev.p2ptunnel.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * Test support: {@code java -jar target/p2p-tunnel.jar ARGS} as a child process, its output lines collected as
 * they come, its standard input writable line by line. Thread-safe.
 */
final class DemoProcess implements AutoCloseable {
  private final Process process;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final String name;
  private boolean outEnded;
  private boolean errEnded;

  private DemoProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    pump(process.getInputStream(), out, name + "-out", "[" + name + "] ");
    pump(process.getErrorStream(), err, name + "-err", "[" + name + " stderr] ");
  }

  /** Skips the calling test, saying why, unless scripts/netns-java started this JVM in a fresh namespace. */
  static void assumeNamespace() {
    String ns = System.getenv("P2P_TEST_NETNS");
    if (ns == null || ns.isEmpty()) {
      String why = System.getenv("P2P_TEST_NETNS_UNAVAILABLE");
      String reason = "SKIPPED: needs a test network namespace (libwebrtc gathers no loopback candidates): "
          + (why == null ? "JVM not started through scripts/netns-java" : why);
      System.err.println(reason);
      Assumptions.abort(reason);
    }
  }

  static DemoProcess start(String name, String... args) throws IOException {
    // One JVM per command, as the tests' signals and kills assume: the class-archive relaunch of java -jar
    // (ClassArchive) has a test of its own, ClassArchiveIT.
    return start(name, java.util.Map.of(ClassArchive.ENV, "off"), args);
  }

  /** {@link #start(String, String...)} with {@code env} added to the process's environment. */
  static DemoProcess start(String name, java.util.Map<String, String> env, String... args) throws IOException {
    String jar = System.getProperty("p2p.demo.jar");
    String java = System.getProperty("p2p.demo.java", System.getProperty("java.home") + "/bin/java");
    if (jar == null) {
      throw new IllegalStateException("p2p.demo.jar: unset (expected: set by failsafe to target/p2p-tunnel.jar)");
    }
    // scripts/netns-java runs the test JVM as a background job of a shell, which starts it (and so its children)
    // with SIGINT ignored, and a JVM leaves an ignored SIGINT ignored. env(1) restores the default, as a terminal's
    // foreground process has it, so that the tests' Ctrl-C reaches the app.
    List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", java, "-jar", jar));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    // Each process its own installation (identity, trust lists), never the real user's config directory.
    builder.environment().put("XDG_CONFIG_HOME", configHome(name).toString());
    builder.environment().putAll(env);
    return new DemoProcess(name, builder.start());
  }

  /** The config home a process named {@code name} gets: a fresh directory under target/it-config. */
  static java.nio.file.Path configHome(String name) throws IOException {
    java.nio.file.Path root = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "it-config"));
    return java.nio.file.Files.createTempDirectory(root, name + "-").toAbsolutePath();
  }

  private void pump(InputStream stream, List<String> lines, String thread, String prefix) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          System.out.println(prefix + line);
          synchronized (this) {
            lines.add(line);
            notifyAll();
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      synchronized (this) {
        outEnded |= lines == out;
        errEnded |= lines == err;
        notifyAll();
      }
    }, thread);
    reader.setDaemon(true);
    reader.start();
  }

  /** The first output line (from the start) that matches, waiting up to {@code timeout}. */
  synchronized String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String line : out) {
        if (match.test(line)) {
          return line;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(name + ": no matching line within " + timeout + "; stdout " + out + ", stderr "
            + err);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Waits until the process has printed at least {@code count} lines matching. */
  synchronized void awaitCount(Predicate<String> match, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (out.stream().filter(match).count() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(name + ": fewer than " + count + " matching lines within " + timeout
            + "; stdout " + out + ", stderr " + err);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  void type(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Sends a signal by name (INT, TERM) with kill(1). */
  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /**
   * The exit code, or null if still running after {@code timeout}; then the process's threads are printed (jstack)
   * so that a test that fails on a process that did not stop shows where it stood.
   */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return process.exitValue();
    }
    printThreads();
    return null;
  }

  private void printThreads() throws InterruptedException {
    String jstack = System.getProperty("java.home") + "/bin/jstack";
    try {
      Process dump = new ProcessBuilder(jstack, Long.toString(process.pid())).redirectErrorStream(true).start();
      String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      dump.waitFor(30, TimeUnit.SECONDS);
      System.out.println("[" + name + "] still running; its threads:\n" + text);
    } catch (IOException e) {
      System.out.println("[" + name + "] still running; jstack failed: " + e);
    }
  }

  /** The process started (the {@code java} that env(1) became). */
  ProcessHandle handle() {
    return process.toHandle();
  }

  boolean alive() {
    return process.isAlive();
  }

  synchronized List<String> stdout() {
    return List.copyOf(out);
  }

  /**
   * Everything the process wrote to standard output, once it has been read to its end (the process and every process
   * that shares its standard output have exited), waiting up to {@code timeout} for that.
   */
  synchronized List<String> stdoutToEnd(Duration timeout) throws InterruptedException {
    awaitEnd(true, timeout);
    return List.copyOf(out);
  }

  /** Everything the process wrote to standard error, once it has been read to its end; see {@link #stdoutToEnd}. */
  synchronized List<String> stderrToEnd(Duration timeout) throws InterruptedException {
    awaitEnd(false, timeout);
    return List.copyOf(err);
  }

  private synchronized void awaitEnd(boolean stdout, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(stdout ? outEnded : errEnded)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(name + ": standard " + (stdout ? "output" : "error") + " still open after "
            + timeout + "; stdout " + out + ", stderr " + err);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Standard error, waiting briefly for the reader to drain it after exit. */
  List<String> stderr() throws InterruptedException {
    Thread.sleep(100);
    synchronized (this) {
      return List.copyOf(err);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

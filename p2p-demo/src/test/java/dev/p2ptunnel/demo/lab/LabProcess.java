package dev.p2ptunnel.demo.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One party of a lab test: a JVM started with {@code ip netns exec NAMESPACE java …}, so it lives in that lab
 * machine's network namespace ({@code ip netns exec} execs, so the process is the JVM itself and
 * {@link #kill()} is a SIGKILL of the JVM). Its output lines are collected as they come, echoed with a prefix and
 * copied to {@code target/lab-logs/NAME.log}. Thread-safe.
 */
final class LabProcess implements AutoCloseable {
  private static final Path LOGS = Path.of("target", "lab-logs");
  private static final Path CONFIGS = Path.of("target", "lab-config");

  private final String name;
  private final Process process;
  private final PrintStream log;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final Thread outReader;
  private final Thread errReader;

  private LabProcess(String name, Process process, PrintStream log) {
    this.name = name;
    this.process = process;
    this.log = log;
    outReader = pump(process.getInputStream(), out, "out");
    errReader = pump(process.getErrorStream(), err, "err");
  }

  /** {@code java -jar p2p-tunnel.jar ARGS} in {@code namespace}. */
  static LabProcess demo(String name, String namespace, List<String> args) throws IOException {
    Files.createDirectories(CONFIGS);
    return demo(name, namespace, args, Files.createTempDirectory(CONFIGS, name + "-").toAbsolutePath());
  }

  /**
   * {@code java -jar p2p-tunnel.jar ARGS} in {@code namespace} with {@code XDG_CONFIG_HOME=configHome}: the same
   * home twice is the same installation (identity, trusted clients, known hosts) restarted.
   */
  static LabProcess demo(String name, String namespace, List<String> args, Path configHome) throws IOException {
    List<String> command = new ArrayList<>(List.of("-jar", System.getProperty("p2p.demo.jar")));
    command.addAll(args);
    return java(name, namespace, command, configHome);
  }

  /** A fresh config home for {@link #demo(String, String, List, Path)}. */
  static Path newConfigHome(String name) throws IOException {
    Files.createDirectories(CONFIGS);
    return Files.createTempDirectory(CONFIGS, name + "-").toAbsolutePath();
  }

  /** A helper main of the lab tests ({@link LabService}, {@link LabTraffic}), on the test classes only. */
  static LabProcess helper(String name, String namespace, Class<?> main, List<String> args) throws IOException {
    String classes;
    try {
      classes = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("test classes location of " + main, e);
    }
    // The shaded jar too, for helpers that use the library (LabFlood).
    List<String> command = new ArrayList<>(List.of("-Xmx128m", "-XX:+UseSerialGC", "-cp", classes
        + java.io.File.pathSeparator + System.getProperty("p2p.demo.jar"), main.getName()));
    command.addAll(args);
    return java(name, namespace, command, newConfigHome(name));
  }

  /** A program of the machine ({@code dnsmasq}, {@code dig}, {@code iperf3}) run in {@code namespace}. */
  static LabProcess command(String name, String namespace, List<String> command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(command);
    Files.createDirectories(LOGS);
    PrintStream log = new PrintStream(Files.newOutputStream(LOGS.resolve(name + ".log")), true,
        StandardCharsets.UTF_8);
    log.println("$ " + String.join(" ", full));
    return new LabProcess(name, new ProcessBuilder(full).start(), log);
  }

  private static LabProcess java(String name, String namespace, List<String> javaArgs, Path configHome)
      throws IOException {
    // The real JVM, not scripts/netns-java (which would add a namespace of its own inside the lab machine).
    String java = System.getProperty("p2p.demo.java", System.getProperty("java.home") + "/bin/java");
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, java));
    command.addAll(javaArgs);
    Files.createDirectories(LOGS);
    PrintStream log = new PrintStream(Files.newOutputStream(LOGS.resolve(name + ".log")), true,
        StandardCharsets.UTF_8);
    log.println("$ " + String.join(" ", command));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("XDG_CONFIG_HOME", configHome.toString()); // never the real user's directory
    // One JVM per process, as the lab's signals and kills (a crash is SIGKILL) assume: java -jar's relaunch with a
    // class archive (ClassArchive) is tested by ClassArchiveIT.
    builder.environment().put("P2P_TUNNEL_CDS", "off");
    return new LabProcess(name, builder.start(), log);
  }

  private Thread pump(InputStream stream, List<String> lines, String which) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          String shown = "[" + name + (which.equals("err") ? " ERR] " : "] ") + line;
          System.out.println(shown.length() > 300 ? shown.substring(0, 300) + "…" : shown);
          log.println(which + ": " + line);
          synchronized (this) {
            lines.add(line);
            notifyAll();
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "lab-" + name + "-" + which);
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  String name() {
    return name;
  }

  /** The first standard output line (from the start) that matches, waiting up to {@code timeout}. */
  String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    return await(out, match, timeout);
  }

  /** Waits until {@code count} standard output lines (from the start) match; returns the last of them. */
  String awaitCount(Predicate<String> match, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (true) {
        List<String> matching = out.stream().filter(match).toList();
        if (matching.size() >= count) {
          return matching.get(count - 1);
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError(name + ": " + count + " matching lines not seen within " + timeout + "; output "
              + out + ", stderr " + err);
        }
        wait(Math.min(left, 200));
      }
    }
  }

  /** The first standard error line that matches, waiting up to {@code timeout}. */
  String awaitErrLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    return await(err, match, timeout);
  }

  private synchronized String await(List<String> lines, Predicate<String> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (true) {
      for (; seen < lines.size(); seen++) {
        if (match.test(lines.get(seen))) {
          return lines.get(seen);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || (!process.isAlive() && !outReader.isAlive() && !errReader.isAlive())) {
        throw new AssertionError(name + ": no matching line within " + timeout + (process.isAlive() ? ""
            : " (exited " + process.exitValue() + ")") + "; stdout " + out + ", stderr " + err);
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
    }
  }

  void type(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** The exit code, or null if still running after {@code timeout}; output is drained when it returns a code. */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return null;
    }
    outReader.join(2_000);
    errReader.join(2_000);
    return process.exitValue();
  }

  /** Sends a signal by name (INT, TERM) to the JVM. */
  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** SIGKILL: the JVM gets no chance to say goodbye to its peer. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError(name + ": still alive 10 s after SIGKILL");
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  synchronized List<String> stdout() {
    return List.copyOf(out);
  }

  synchronized List<String> stderr() {
    return List.copyOf(err);
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      outReader.join(1_000);
      errReader.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.close();
  }
}

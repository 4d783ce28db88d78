package dev.p2ptunnel.rendezvous;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A real mosquitto broker for a test, on this JVM's loopback (inside the test namespace when there is one): plain
 * MQTT, or TLS with a certificate made by {@link TestCa}. Its log goes to {@code target/mosquitto-logs}. Not
 * thread-safe.
 */
final class Mosquitto implements AutoCloseable {
  private static final Path LOGS = Path.of("target", "mosquitto-logs");
  /** Brokers still running: stopped when the test JVM exits, whatever happened. */
  private static final java.util.Set<Process> ALIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(Process::destroyForcibly),
        "mosquitto-cleanup"));
  }

  private final String name;
  private final int port;
  private final Path dir;
  private final TestCa.@Nullable Broker tls;
  private @Nullable Process process;

  private final List<String> logLines = new ArrayList<>();

  private Mosquitto(String name, int port, Path dir, TestCa.@Nullable Broker tls) {
    this.name = name;
    this.port = port;
    this.dir = dir;
    this.tls = tls;
  }

  /** Skips the calling test, saying why, unless mosquitto is installed. */
  static void assumeInstalled() {
    if (executable() == null) {
      String reason = "SKIPPED: mosquitto is not installed (run scripts/install-test-deps.sh)";
      System.err.println(reason);
      Assumptions.abort(reason);
    }
  }

  private static @Nullable Path executable() {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String entry : path.split(File.pathSeparator)) {
      Path candidate = Path.of(entry.isEmpty() ? "." : entry, "mosquitto");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** A plain broker on a free loopback port, started. */
  static Mosquitto start(String name) throws IOException, InterruptedException {
    return start(name, null);
  }

  /** A broker on a free loopback port, with TLS when {@code tls} is given, started. */
  static Mosquitto start(String name, TestCa.@Nullable Broker tls) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("p2p-mosquitto-");
    // Started as root, mosquitto drops to its own user, which must read the configuration and the test certificate.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Mosquitto broker = new Mosquitto(name, freePort(), dir, tls);
    broker.start();
    return broker;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** {@code mqtt://127.0.0.1:PORT}, or {@code mqtts://…} with TLS. */
  URI uri() {
    return URI.create((tls == null ? "mqtt" : "mqtts") + "://127.0.0.1:" + port);
  }

  int port() {
    return port;
  }

  /** Starts (again, on the same port) and waits until it accepts connections. */
  void start() throws IOException, InterruptedException {
    List<String> conf = new ArrayList<>(List.of(
        "per_listener_settings false",
        "allow_anonymous true",
        "persistence false",
        "log_dest stderr", // unbuffered, unlike stdout into a pipe
        "log_type all",
        "listener " + port + " 127.0.0.1"));
    if (tls != null) {
      conf.addAll(List.of("cafile " + tls.caFile(), "certfile " + tls.certFile(), "keyfile " + tls.keyFile()));
    }
    Path file = dir.resolve("mosquitto.conf");
    Files.write(file, conf, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createDirectories(LOGS);
    Path executable = executable();
    if (executable == null) {
      throw new IllegalStateException("mosquitto: not installed");
    }
    Process started = new ProcessBuilder(executable.toString(), "-c", file.toString()).redirectErrorStream(true)
        .start();
    process = started;
    // mosquitto prints "mosquitto version V running" once its listeners are open: wait for that line.
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    Path log = LOGS.resolve(name + ".log");
    Thread pump = new Thread(() -> {
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(started.getInputStream(),
          StandardCharsets.UTF_8));
          var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.APPEND)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.write(line);
          out.newLine();
          out.flush();
          logged(line);
          if (line.contains(" running")) {
            running.countDown();
          }
        }
      } catch (IOException e) {
        // the broker ended
      } finally {
        running.countDown();
      }
    }, "mosquitto-" + name);
    pump.setDaemon(true);
    pump.start();
    ALIVE.add(started);
    if (!running.await(30, TimeUnit.SECONDS) || !started.isAlive()) {
      stop();
      throw new IllegalStateException("mosquitto " + name + " did not start on port " + port + (started.isAlive()
          ? " within 30 s" : " (exited " + started.exitValue() + ")") + "; see " + log);
    }
  }

  private synchronized void logged(String line) {
    logLines.add(line);
    notifyAll();
  }

  /** Waits (up to 30 s) until {@code count} lines of the broker's log (since this object started it) contain
   * {@code text}. */
  synchronized void awaitLog(String text, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (logLines.stream().filter(line -> line.contains(text)).count() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("mosquitto " + name + ": fewer than " + count + " log lines with '" + text
            + "' within 30 s");
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Stops the broker (SIGTERM, then SIGKILL): its clients see the connection drop. */
  void stop() throws InterruptedException {
    Process p = process;
    process = null;
    if (p != null) {
      ALIVE.remove(p);
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

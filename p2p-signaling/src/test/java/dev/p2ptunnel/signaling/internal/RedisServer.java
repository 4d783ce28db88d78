package dev.p2ptunnel.signaling.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Test support: a real {@code redis-server} (Debian's package, installed by scripts/install-test-deps.sh) of the
 * test's own, on a free loopback port with a temporary directory and no persistence; stopped (and its directory
 * deleted) on close. Without the binary the calling test is skipped, saying why. Thread-safe.
 */
public final class RedisServer implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;

  private RedisServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Starts one, or skips the calling test if redis-server is not installed. */
  public static RedisServer start() throws IOException, InterruptedException {
    String binary = find();
    if (binary == null) {
      String reason = "SKIPPED: redis-server is not installed (run scripts/install-test-deps.sh)";
      System.err.println(reason);
      Assumptions.abort(reason);
    }
    Path dir = Files.createTempDirectory("p2p-redis-");
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      Process process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes",
          "--logfile", dir.resolve("redis.log").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
      RedisServer server = new RedisServer(process, dir, port);
      if (server.awaitPong()) {
        return server;
      }
      server.stopProcess();
      if (attempt == 3) {
        throw new IOException("redis-server did not answer on port " + port + ": " + Files.readString(
            dir.resolve("redis.log")));
      }
    }
  }

  private static String find() {
    for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return null;
  }

  private boolean awaitPong() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline && process.isAlive()) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(2_000);
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] reply = socket.getInputStream().readNBytes(7);
        if (new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    return false;
  }

  public URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** Runs a redis-cli-like command (one line, inline protocol) and returns the raw reply. */
  public String command(String line) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      byte[] buffer = new byte[65536];
      int n = socket.getInputStream().read(buffer);
      return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
    }
  }

  private void stopProcess() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      stopProcess();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}

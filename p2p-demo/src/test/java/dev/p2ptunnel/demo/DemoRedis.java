package dev.p2ptunnel.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Test support: a redis-server of the test's own on a free loopback port, with a temporary directory and no
 * persistence, stopped and removed on close; the calling test is skipped, saying why, without the binary.
 */
final class DemoRedis implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;

  private DemoRedis(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  static DemoRedis start() throws IOException, InterruptedException {
    Path binary = Path.of("/usr/bin/redis-server");
    if (!Files.isExecutable(binary)) {
      String reason = "SKIPPED: redis-server is not installed (run scripts/install-test-deps.sh)";
      System.err.println(reason);
      Assumptions.abort(reason);
    }
    Path dir = Files.createTempDirectory("p2p-demo-redis-");
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
        "--logfile", dir.resolve("redis.log").toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.log").toFile()).start();
    DemoRedis redis = new DemoRedis(process, dir, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(2_000);
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        if (new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
          return redis;
        }
      } catch (IOException e) {
        // not yet
      }
      Thread.sleep(20);
    }
    redis.close();
    throw new IOException("redis-server did not start on port " + port);
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}

package dev.p2ptunnel.benchmarks.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The TCP ends of the latency-under-load measurement (issue 15), one per process in a lab namespace, on 127.0.0.1:
 *
 * <pre>
 * LoadTool mixed-server PORT                      one service, two behaviours by the first byte a connection sends:
 *                                                 E: echo everything after it; D: send 64 KiB blocks until closed
 * LoadTool ping PORT [--size N] [--seconds S] [--warmup-seconds W]
 *                                                 N-byte request/response round trips (after E) for S seconds after
 *                                                 W seconds of warm-up; prints the percentiles
 * LoadTool download PORT [--seconds S] [--skip-seconds K]
 *                                                 reads a download (after D) for S seconds; prints the MB/s of the
 *                                                 time after the first K seconds
 * </pre>
 *
 * <p>Every wait is bounded by {@code --timeout-ms} (default 60 s); a tool that gives up prints {@code error …} and exits
 * with 1. Not thread-safe; each mode runs on the main thread (the server with a thread per connection).
 */
public final class LoadTool {
  private static final int ECHO = 'E';
  private static final int DOWNLOAD = 'D';

  private LoadTool() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    String mode = args.positional(0, "mode");
    int port = Integer.parseInt(args.positional(1, "port"));
    long timeoutMs = args.getLong("timeout-ms", 60_000);
    int status;
    try {
      status = switch (mode) {
        case "mixed-server" -> serve(port);
        case "ping" -> ping(port, (int) args.getLong("size", 1_024), args.getLong("seconds", 5),
            args.getLong("warmup-seconds", 1), timeoutMs);
        case "download" -> download(port, args.getLong("seconds", 5), args.getLong("skip-seconds", 1), timeoutMs);
        default -> throw new IllegalArgumentException("mode: " + mode + " (expected: mixed-server, ping, download)");
      };
    } catch (IOException e) {
      System.out.println("error " + e);
      status = 1;
    }
    System.out.flush();
    System.exit(status);
  }

  private static int serve(int port) throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_024);
      System.out.println("ready port=" + port);
      while (true) {
        Socket socket = server.accept();
        Thread t = new Thread(() -> handle(socket), "mixed-" + socket.getPort());
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private static void handle(Socket socket) {
    try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
      socket.setTcpNoDelay(true);
      int kind = in.read();
      byte[] buffer = new byte[64 * 1024];
      if (kind == DOWNLOAD) {
        while (true) {
          out.write(buffer);
        }
      }
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // the peer went away
    }
  }

  private static int ping(int port, int size, long seconds, long warmupSeconds, long timeoutMs) throws IOException {
    try (Socket socket = TcpTool.connect(port, timeoutMs)) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) timeoutMs);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      out.write(ECHO);
      byte[] request = new byte[size];
      byte[] reply = new byte[size];
      long[] rttNs = new long[1 << 16];
      int count = 0;
      long start = System.nanoTime();
      long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
      long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
      for (int i = 0; ; i++) {
        long t0 = System.nanoTime();
        if (t0 >= end) {
          break;
        }
        request[0] = (byte) i;
        out.write(request);
        if (in.readNBytes(reply, 0, size) != size || reply[0] != request[0]) {
          System.out.println("error round trip " + i + ": short or wrong reply");
          return 1;
        }
        if (t0 >= measureFrom) {
          if (count == rttNs.length) {
            rttNs = Arrays.copyOf(rttNs, count * 2);
          }
          rttNs[count++] = System.nanoTime() - t0;
        }
      }
      System.out.println("result " + Percentiles.of(Arrays.copyOf(rttNs, count)).line());
      return 0;
    }
  }

  private static int download(int port, long seconds, long skipSeconds, long timeoutMs) throws IOException {
    try (Socket socket = TcpTool.connect(port, timeoutMs)) {
      socket.setSoTimeout((int) timeoutMs);
      socket.getOutputStream().write(DOWNLOAD);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[256 * 1024];
      long start = System.nanoTime();
      long from = start + TimeUnit.SECONDS.toNanos(skipSeconds);
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      long bytes = 0;
      long counting = 0;
      for (long now = start; now < end; now = System.nanoTime()) {
        int n = in.read(buffer);
        if (n < 0) {
          System.out.println("error the download ended after " + bytes + " bytes");
          return 1;
        }
        if (now >= from) {
          if (counting == 0) {
            counting = now;
          }
          bytes += n;
        }
      }
      long ns = System.nanoTime() - counting;
      System.out.printf(Locale.ROOT, "result download bytes=%d ns=%d mbps=%.2f%n", bytes, ns, bytes / (ns / 1e9) / 1e6);
      return 0;
    }
  }
}

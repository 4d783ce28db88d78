package dev.p2ptunnel.benchmarks.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The TCP ends of the e2e measurements, one per process in a lab namespace, all on 127.0.0.1:
 *
 * <pre>
 * TcpTool echo-server PORT                         echo service, a thread per connection (the host's service)
 * TcpTool ping PORT [--count N] [--warmup N]       64-byte request/response round trips; prints the percentiles
 * TcpTool first-byte PORT [--timeout-ms MS]        connects (retrying until the port listens), sends one byte and
 *                                                  prints the wall-clock time its echo arrived
 * </pre>
 *
 * <p>Every wait is bounded by {@code --timeout-ms} (default 60 s); a tool that gives up prints {@code error …} and
 * exits with 1.
 */
public final class TcpTool {
  private static final int PING_BYTES = 64;
  private static final long RETRY_MS = 5;

  private TcpTool() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    String mode = args.positional(0, "mode");
    int port = Integer.parseInt(args.positional(1, "port"));
    long timeoutMs = args.getLong("timeout-ms", 60_000);
    int status;
    try {
      status = switch (mode) {
        case "echo-server" -> echoServer(port);
        case "ping" -> ping(port, (int) args.getLong("warmup", 2_000), (int) args.getLong("count", 10_000),
            timeoutMs);
        case "first-byte" -> firstByte(port, timeoutMs);
        default -> throw new IllegalArgumentException("mode: " + mode + " (expected: echo-server, ping, first-byte)");
      };
    } catch (IOException e) {
      System.out.println("error " + e);
      status = 1;
    }
    System.out.flush();
    System.exit(status);
  }

  private static int echoServer(int port) throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_024);
      System.out.println("ready port=" + port);
      while (true) {
        Socket socket = server.accept();
        Thread t = new Thread(() -> echo(socket), "echo-" + socket.getPort());
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private static void echo(Socket socket) {
    try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
      socket.setTcpNoDelay(true);
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // the peer went away
    }
  }

  private static int ping(int port, int warmup, int count, long timeoutMs) throws IOException {
    try (Socket socket = connect(port, timeoutMs)) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) timeoutMs);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      byte[] request = new byte[PING_BYTES];
      byte[] reply = new byte[PING_BYTES];
      long[] rttNs = new long[count];
      for (int i = -warmup; i < count; i++) {
        request[0] = (byte) i;
        long t0 = System.nanoTime();
        out.write(request);
        if (in.readNBytes(reply, 0, PING_BYTES) != PING_BYTES || reply[0] != request[0]) {
          System.out.println("error round trip " + i + ": short or wrong reply");
          return 1;
        }
        if (i >= 0) {
          rttNs[i] = System.nanoTime() - t0;
        }
      }
      System.out.println("result " + Percentiles.of(rttNs).line());
      return 0;
    }
  }

  private static int firstByte(int port, long timeoutMs) throws IOException {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    System.out.println("ready");
    while (System.nanoTime() < deadlineNs) {
      try (Socket socket = connect(port, timeoutMs)) {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
        socket.getOutputStream().write(42);
        if (socket.getInputStream().read() == 42) {
          System.out.println("result first_byte_epoch_ms=" + System.currentTimeMillis());
          return 0;
        }
        // closed before the echo (a tunnel that failed): try again
      } catch (SocketTimeoutException e) {
        break;
      }
    }
    System.out.println("error no echo within " + timeoutMs + " ms");
    return 1;
  }

  private static Socket connect(int port, long timeoutMs) throws IOException {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeoutMs);
        return socket;
      } catch (IOException e) {
        socket.close();
        if (System.nanoTime() > deadlineNs) {
          throw e;
        }
        try {
          Thread.sleep(RETRY_MS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", ie);
        }
      }
    }
  }
}

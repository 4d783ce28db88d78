package dev.p2ptunnel.benchmarks.e2e;

import dev.p2ptunnel.benchmarks.NioService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TCP ends of the e2e measurements, one per process in a lab namespace, all on 127.0.0.1:
 *
 * <pre>
 * TcpTool echo-server PORT                         echo service, a thread per connection (the host's service)
 * TcpTool ping PORT [--count N] [--warmup N]       64-byte request/response round trips; prints the percentiles
 * TcpTool first-byte PORT [--timeout-ms MS]        connects (retrying until the port listens), sends one byte and
 *                                                  prints the wall-clock time its echo arrived
 * TcpTool sink-server PORT                         reads and discards; never reads a connection whose first byte is S
 * TcpTool fairness PORT [--streams N] [--seconds S] [--stall]
 *                                                  N connections write for S seconds; with --stall, one more
 *                                                  connection (first byte S) is filled first and never read
 * TcpTool nio-echo-server PORT                     echo service holding any number of connections on one thread
 *                                                  ({@link NioService}); prints {@code connections open=N
 *                                                  accepted=M} once a second while those change
 * TcpTool hold PORT --connections N [--active M] [--in-flight K] [--hold-ms MS]
 *                                                  opens and proves N connections, holds them, makes M active on
 *                                                  command ({@link HoldDriver})
 * </pre>
 *
 * <p>Every wait is bounded by {@code --timeout-ms} (default 60 s); a tool that gives up prints {@code error …} and
 * exits with 1.
 */
public final class TcpTool {
  private static final int PING_BYTES = 64;
  private static final long RETRY_MS = 5;
  private static final int STALL = 'S';
  private static final int BULK = 'B';

  private TcpTool() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    String mode = args.positional(0, "mode");
    int port = Integer.parseInt(args.positional(1, "port"));
    long timeoutMs = args.getLong("timeout-ms", 60_000);
    int status;
    try {
      status = switch (mode) {
        case "echo-server" -> serve(port, "echo", TcpTool::echo);
        case "ping" -> ping(port, (int) args.getLong("warmup", 2_000), (int) args.getLong("count", 10_000),
            timeoutMs);
        case "first-byte" -> firstByte(port, timeoutMs);
        case "sink-server" -> serve(port, "sink", TcpTool::sink);
        case "fairness" -> fairness(port, (int) args.getLong("streams", 4), args.getLong("seconds", 5),
            args.has("stall"), timeoutMs);
        case "nio-echo-server" -> nioEchoServer(port);
        case "hold" -> HoldDriver.run(port, (int) args.getLong("connections", 10_000),
            (int) args.getLong("active", 1_000), (int) args.getLong("in-flight", 512), timeoutMs,
            args.getLong("hold-ms", 600_000));
        default -> throw new IllegalArgumentException("mode: " + mode + " (expected: echo-server, ping, first-byte, "
            + "sink-server, fairness, nio-echo-server, hold)");
      };
    } catch (IOException e) {
      System.out.println("error " + e);
      status = 1;
    }
    System.out.flush();
    System.exit(status);
  }

  /** Accepts on 127.0.0.1:{@code port} forever, each connection on a daemon thread running {@code handler}. */
  private static int serve(int port, String name, java.util.function.Consumer<Socket> handler) throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_024);
      System.out.println("ready port=" + port);
      while (true) {
        Socket socket = server.accept();
        Thread t = new Thread(() -> handler.accept(socket), name + "-" + socket.getPort());
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

  private static void sink(Socket socket) {
    try (socket; InputStream in = socket.getInputStream()) {
      if (in.read() == STALL) {
        Thread.sleep(Long.MAX_VALUE); // the stalled reader: its data piles up in the tunnel's window for it
      }
      byte[] buffer = new byte[64 * 1024];
      while (in.read(buffer) > 0) {
        // discard
      }
    } catch (IOException | InterruptedException e) {
      // the peer went away
    }
  }

  /** The one-thread echo service for the many-connections step; runs until killed. */
  private static int nioEchoServer(int port) throws IOException, InterruptedException {
    try (NioService echo = new NioService(true, port)) {
      System.out.println("ready port=" + port);
      long reportedOpen = -1;
      long reportedAccepted = -1;
      long reportedFailures = 0;
      while (true) {
        Thread.sleep(1_000);
        long open = echo.open();
        long accepted = echo.accepted();
        long failures = echo.acceptFailures();
        if (open != reportedOpen || accepted != reportedAccepted) {
          System.out.println("connections open=" + open + " accepted=" + accepted);
          reportedOpen = open;
          reportedAccepted = accepted;
        }
        if (failures != reportedFailures) {
          System.out.println("error accept failed " + (failures - reportedFailures) + " times (out of descriptors?)");
          reportedFailures = failures;
        }
      }
    }
  }

  private static int fairness(int port, int streams, long seconds, boolean stall, long timeoutMs)
      throws IOException, InterruptedException {
    List<Socket> sockets = new ArrayList<>();
    try {
      AtomicLong stalledBytes = new AtomicLong();
      if (stall) {
        Socket stalled = connect(port, timeoutMs);
        sockets.add(stalled);
        Thread filler = new Thread(() -> fill(stalled, stalledBytes, Long.MAX_VALUE), "stalled-writer");
        filler.setDaemon(true);
        filler.start();
        // Until its writes block: the tunnel's window for it, the host's socket buffers and ours are full.
        for (long last = -1; stalledBytes.get() != last; ) {
          last = stalledBytes.get();
          Thread.sleep(500);
        }
      }
      long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      AtomicLong bytes = new AtomicLong();
      List<Thread> writers = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        Socket socket = connect(port, timeoutMs);
        sockets.add(socket);
        socket.getOutputStream().write(BULK);
        Thread t = new Thread(() -> fill(socket, bytes, deadlineNs), "writer-" + i);
        t.start();
        writers.add(t);
      }
      long startNs = System.nanoTime();
      for (Thread t : writers) {
        t.join(TimeUnit.SECONDS.toMillis(seconds) + timeoutMs);
      }
      double mbps = bytes.get() / ((System.nanoTime() - startNs) / 1e9) / 1e6;
      System.out.printf(Locale.ROOT, "result fairness streams=%d stall=%b mbps=%.2f stalled_bytes=%d%n", streams,
          stall, mbps, stalledBytes.get());
      return 0;
    } finally {
      for (Socket socket : sockets) {
        socket.close(); // also unblocks the writers
      }
    }
  }

  /** Writes 64 KiB blocks (the stalled one first announces itself) until the deadline or an error. */
  private static void fill(Socket socket, AtomicLong bytes, long deadlineNs) {
    byte[] block = new byte[64 * 1024];
    try {
      OutputStream out = socket.getOutputStream();
      if (deadlineNs == Long.MAX_VALUE) {
        out.write(STALL);
      }
      while (deadlineNs == Long.MAX_VALUE || System.nanoTime() < deadlineNs) {
        out.write(block);
        bytes.addAndGet(block.length);
      }
    } catch (IOException e) {
      // closed by us at the end
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

  /** Connects to 127.0.0.1:{@code port}, retrying until it listens or {@code timeoutMs} passes. */
  static Socket connect(int port, long timeoutMs) throws IOException {
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

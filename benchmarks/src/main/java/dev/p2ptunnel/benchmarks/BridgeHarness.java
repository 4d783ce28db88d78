package dev.p2ptunnel.benchmarks;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ClientBridge;
import dev.p2ptunnel.bridge.HostBridge;
import dev.p2ptunnel.bridge.InMemoryChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The bridge engine measured end to end: a host and a client bridge joined by an in-memory channel, real loopback TCP
 * on both sides, next to the same service reached directly. Not JMH: sockets and threads are the point.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.p2ptunnel.benchmarks.BridgeHarness [throughput|latency|cpu|wakeup|connections|all]
 * </pre>
 * ({@code connections} runs {@link ConnectionsHarness}: the service and each bridge in a child JVM of their own, so
 * that no process needs more than ~1 descriptor per connection; {@code -Dconnections=N -Dactive=M}).
 */
public final class BridgeHarness {
  private static final long STREAM_BYTES = 1L << 30; // per measurement, split over the streams

  private BridgeHarness() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    System.out.printf(Locale.ROOT, "# %s, %d cores, java %s, max heap %d MiB%n", osName(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
    if (what.equals("throughput") || what.equals("all")) {
      throughput(1);
      throughput(8);
    }
    if (what.equals("latency") || what.equals("all")) {
      latency();
    }
    if (what.equals("cpu") || what.equals("all")) {
      CpuHarness.run();
    }
    if (what.equals("wakeup") || what.equals("all")) {
      WakeupHarness.run();
    }
    if (what.equals("connections") || what.equals("all")) {
      // One JVM would hold ~4 descriptors per tunnelled connection: spread over processes instead.
      ConnectionsHarness.main(new String[] {Integer.toString(Integer.getInteger("connections", 10_000)),
          Integer.toString(Integer.getInteger("active", 1_000))});
    }
  }

  /** A host+client pair over an in-memory channel in front of {@code service}. */
  private record Tunnel(HostBridge host, ClientBridge client) implements AutoCloseable {
    static Tunnel to(InetSocketAddress service) throws IOException {
      InMemoryChannel.Pair pair = InMemoryChannel.pair();
      HostBridge host = HostBridge.start(pair.first(), service, BridgeConfig.defaults());
      ClientBridge client = ClientBridge.start(pair.second(),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BridgeConfig.defaults());
      return new Tunnel(host, client);
    }

    @Override
    public void close() {
      client.close();
      host.close();
    }
  }

  // ------------------------------------------------------------------------------------------------ throughput

  private static void throughput(int streams) throws Exception {
    try (NioService sink = new NioService(false); Tunnel tunnel = Tunnel.to(sink.address())) {
      double direct = pump(sink, sink.address(), streams);
      double bridged = pump(sink, tunnel.client().localAddress(), streams);
      bridged = Math.max(bridged, pump(sink, tunnel.client().localAddress(), streams));
      System.out.printf(Locale.ROOT, "throughput %d stream(s): bridge %.0f MB/s, direct TCP %.0f MB/s%n", streams,
          bridged, direct);
    }
  }

  /** Sends {@link #STREAM_BYTES} over {@code streams} connections; MB/s (10^6) until the sink has it all. */
  private static double pump(NioService sink, InetSocketAddress address, int streams) throws Exception {
    long each = STREAM_BYTES / streams;
    long before = sink.bytes.get();
    List<Thread> writers = new ArrayList<>();
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      Socket socket = new Socket(address.getAddress(), address.getPort());
      sockets.add(socket);
      writers.add(new Thread(() -> {
        try {
          OutputStream out = socket.getOutputStream();
          byte[] block = new byte[1 << 16];
          for (long sent = 0; sent < each; sent += block.length) {
            out.write(block);
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }));
    }
    long start = System.nanoTime();
    writers.forEach(Thread::start);
    long expected = before + each / (1 << 16) * (1 << 16) * streams;
    while (sink.bytes.get() < expected) {
      Thread.sleep(1);
    }
    long elapsed = System.nanoTime() - start;
    for (Thread writer : writers) {
      writer.join();
    }
    for (Socket socket : sockets) {
      socket.close();
    }
    return (expected - before) / (elapsed / 1e9) / 1e6;
  }

  // ------------------------------------------------------------------------------------------------ latency

  private static void latency() throws Exception {
    try (NioService echo = new NioService(true); Tunnel tunnel = Tunnel.to(echo.address())) {
      long[] direct = roundTrips(echo.address());
      long[] bridged = roundTrips(tunnel.client().localAddress());
      System.out.printf(Locale.ROOT, "latency 64 B request/response: bridge p50 %.1f us p99 %.1f us;"
          + " direct TCP p50 %.1f us p99 %.1f us%n", pct(bridged, 50), pct(bridged, 99), pct(direct, 50),
          pct(direct, 99));
    }
  }

  private static long[] roundTrips(InetSocketAddress address) throws IOException {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      byte[] request = new byte[64];
      byte[] response = new byte[64];
      int warmup = 20_000;
      long[] samples = new long[50_000];
      for (int i = 0; i < warmup + samples.length; i++) {
        long start = System.nanoTime();
        out.write(request);
        int got = 0;
        while (got < 64) {
          got += in.read(response, got, 64 - got);
        }
        if (i >= warmup) {
          samples[i - warmup] = System.nanoTime() - start;
        }
      }
      Arrays.sort(samples);
      return samples;
    }
  }

  private static double pct(long[] sorted, int percentile) {
    return sorted[(int) Math.min(sorted.length - 1, (long) sorted.length * percentile / 100)] / 1e3;
  }

  private static String osName() {
    return System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }
}

package dev.p2ptunnel.benchmarks;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ClientBridge;
import dev.p2ptunnel.bridge.HostBridge;
import dev.p2ptunnel.bridge.InMemoryChannel;
import dev.p2ptunnel.bridge.PeerLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * What the bridge costs in CPU rather than in wall time, which on a shared machine moves with other load far more than
 * with the engine: the CPU time of the bridge loops and the in-memory channel's delivery threads (ThreadMXBean), per
 * 64-byte round trip, and per burst in which 1 000 open sockets each send 64 bytes at once and get them echoed. A
 * host and a client bridge over an {@link InMemoryChannel} in this JVM, an {@link NioService} echo behind the host.
 * Runs on the calling thread; not thread-safe.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.p2ptunnel.benchmarks.BridgeHarness cpu
 * </pre>
 */
final class CpuHarness {
  private static final int TRIPS = 30_000;
  private static final int BURST_SOCKETS = 1_000;
  private static final int BURSTS = 30;
  private static final int WARMUP_BURSTS = 10;

  private CpuHarness() {}

  static void run() throws Exception {
    try (NioService echo = new NioService(true)) {
      InMemoryChannel.Pair pair = InMemoryChannel.pair();
      // 1 000 sockets open at once: past the default CONNECT rate (500/s, burst 500), whose refusals would end half of
      // them: the limits meant for load tests.
      HostBridge host = HostBridge.start(pair.first(), echo.address(),
          BridgeConfig.builder().peerLimits(PeerLimits.generous()).build());
      try (ClientBridge client = ClientBridge.start(pair.second(),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BridgeConfig.defaults())) {
        pingPong(client.localAddress());
        burst(client.localAddress());
      } finally {
        host.close();
      }
    }
  }

  /** Rounds of {@link #TRIPS} 64-byte round trips on one socket; the last round is printed. */
  private static void pingPong(InetSocketAddress address) throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (Socket app = new Socket(address.getAddress(), address.getPort())) {
      app.setTcpNoDelay(true);
      OutputStream out = app.getOutputStream();
      InputStream in = app.getInputStream();
      byte[] request = new byte[64];
      byte[] response = new byte[64];
      for (int round = 0; round < 3; round++) {
        long[] samples = new long[TRIPS];
        long cpuBefore = bridgeCpuNanos(threads);
        for (int i = 0; i < TRIPS; i++) {
          long start = System.nanoTime();
          out.write(request);
          for (int got = 0; got < 64; ) {
            got += in.read(response, got, 64 - got);
          }
          samples[i] = System.nanoTime() - start;
        }
        long cpu = bridgeCpuNanos(threads) - cpuBefore;
        Arrays.sort(samples);
        if (round == 2) {
          System.out.printf(Locale.ROOT, "cpu 64 B request/response: p50 %.1f us, bridge+channel CPU %.1f us per trip%n",
              samples[TRIPS / 2] / 1e3, cpu / 1e3 / TRIPS);
        }
      }
    }
  }

  /** {@link #BURSTS} bursts over {@link #BURST_SOCKETS} sockets; medians after {@link #WARMUP_BURSTS}. */
  private static void burst(InetSocketAddress address) throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<SocketChannel> apps = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < BURST_SOCKETS; i++) {
        SocketChannel app = SocketChannel.open(address);
        apps.add(app);
        app.setOption(StandardSocketOptions.TCP_NODELAY, true);
        app.configureBlocking(false);
        app.register(selector, SelectionKey.OP_READ);
      }
      ByteBuffer request = ByteBuffer.allocate(64);
      ByteBuffer response = ByteBuffer.allocate(1 << 12);
      long[] wall = new long[BURSTS - WARMUP_BURSTS];
      long[] cpu = new long[BURSTS - WARMUP_BURSTS];
      for (int burst = 0; burst < BURSTS; burst++) {
        long cpuBefore = bridgeCpuNanos(threads);
        long start = System.nanoTime();
        for (SocketChannel app : apps) {
          request.clear();
          app.write(request);
        }
        for (long received = 0; received < 64L * BURST_SOCKETS; ) {
          selector.select();
          for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
            SelectionKey key = keys.next();
            keys.remove();
            response.clear();
            int n = ((SocketChannel) key.channel()).read(response);
            if (n < 0) {
              throw new IOException("burst " + burst + ": a socket ended after " + received + " of "
                  + 64L * BURST_SOCKETS + " bytes (expected: every socket echoed)");
            }
            received += n;
          }
        }
        if (burst >= WARMUP_BURSTS) {
          wall[burst - WARMUP_BURSTS] = System.nanoTime() - start;
          cpu[burst - WARMUP_BURSTS] = bridgeCpuNanos(threads) - cpuBefore;
        }
      }
      Arrays.sort(wall);
      Arrays.sort(cpu);
      System.out.printf(Locale.ROOT, "cpu burst of %d x 64 B echoed: wall p50 %.1f ms, bridge+channel CPU p50 %.1f ms%n",
          BURST_SOCKETS, wall[wall.length / 2] / 1e6, cpu[cpu.length / 2] / 1e6);
    } finally {
      for (SocketChannel app : apps) {
        app.close();
      }
    }
  }

  /** CPU time of the bridge loops and the in-memory channel's delivery threads so far. */
  private static long bridgeCpuNanos(ThreadMXBean threads) {
    long total = 0;
    for (ThreadInfo thread : threads.dumpAllThreads(false, false)) {
      String name = thread.getThreadName();
      if (name.startsWith("p2p-bridge") || name.startsWith("in-memory-channel")) {
        total += Math.max(0, threads.getThreadCpuTime(thread.getThreadId()));
      }
    }
    return total;
  }
}

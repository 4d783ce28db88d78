package dev.p2ptunnel.benchmarks;

import dev.p2ptunnel.bridge.Bridge;
import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ClientBridge;
import dev.p2ptunnel.bridge.HostBridge;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One child process of {@link ConnectionsHarness}: the echo service, the host bridge or the client bridge. Talks to
 * the driver in lines: prints {@code ready port=P} once listening, then answers each {@code count} or {@code stats}
 * line read on stdin with one {@code count …} / {@code stats …} line on stdout, and exits when stdin ends (so it
 * cannot outlive a driver that died). Only loopback addresses are used. Not thread-safe; runs on its main thread.
 *
 * <pre>
 * TunnelNode service              echo service on an ephemeral port
 * TunnelNode host SERVICE_PORT    waits on an ephemeral port for the channel, bridges it to the service
 * TunnelNode client CHANNEL_PORT  connects the channel, listens on an ephemeral port for applications
 * </pre>
 */
final class TunnelNode {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private TunnelNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("args: " + List.of(args) + " (expected: service | host PORT | client PORT)");
    }
    switch (args[0]) {
      case "service" -> {
        try (NioService echo = new NioService(true)) {
          System.out.println("ready port=" + echo.address().getPort());
          serve(null, echo);
        }
      }
      case "host" -> {
        InetSocketAddress service = new InetSocketAddress(LOOPBACK, Integer.parseInt(args[1]));
        Socket socket;
        try (ServerSocket listening = new ServerSocket(0, 1, LOOPBACK)) {
          System.out.println("ready port=" + listening.getLocalPort());
          socket = listening.accept();
        }
        try (HostBridge host = HostBridge.start(new SocketMessageChannel(socket), service, BridgeConfig.defaults())) {
          serve(host, null);
        }
      }
      case "client" -> {
        Socket socket = new Socket(LOOPBACK, Integer.parseInt(args[1]));
        try (ClientBridge client = ClientBridge.start(new SocketMessageChannel(socket),
            new InetSocketAddress(LOOPBACK, 0), BridgeConfig.defaults())) {
          System.out.println("ready port=" + client.localAddress().getPort());
          serve(client, null);
        }
      }
      default -> throw new IllegalArgumentException(
          "role: " + args[0] + " (expected: service | host PORT | client PORT)");
    }
  }

  /** Answers the driver until stdin ends. */
  private static void serve(@Nullable Bridge bridge, @Nullable NioService service) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      switch (line.trim()) {
        case "count" -> System.out.println("count " + (bridge != null
            ? bridge.stats().openSockets()
            : service != null ? service.openConnections.get() : -1));
        case "stats" -> System.out.println(stats(bridge, service));
        default -> System.out.println("error unknown command: " + line);
      }
    }
  }

  /**
   * One line: {@code stats open=… errors=K:n,… threads=… ownThreads=… osThreads=… heapAfterGcBytes=…
   * peakHeapBytes=… maxHeapBytes=… rssKib=… fds=… otherThreads=name|name…} (the last field runs to the end of the
   * line; names may hold spaces). {@code threads} are the JVM's Java threads (ThreadMXBean), {@code osThreads} every
   * thread of the process, GC and JIT compiler threads included.
   */
  private static String stats(@Nullable Bridge bridge, @Nullable NioService service) throws IOException {
    long open;
    String errors = "-";
    if (bridge != null) {
      BridgeStats stats = bridge.stats();
      open = stats.openSockets();
      errors = stats.errors().isEmpty() ? "none" : stats.errors().entrySet().stream()
          .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    } else {
      open = service != null ? service.openConnections.get() : -1;
    }
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    List<String> own = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      (isOwn(thread.getName()) ? own : others).add(thread.getName());
    }
    others.sort(null);
    long peakHeap = 0; // the sum of each pool's peak: an upper bound of the heap's peak
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    return String.format(Locale.ROOT, "stats open=%d errors=%s threads=%d ownThreads=%d osThreads=%d"
            + " heapAfterGcBytes=%d peakHeapBytes=%d maxHeapBytes=%d rssKib=%d fds=%d otherThreads=%s", open, errors,
        ManagementFactory.getThreadMXBean().getThreadCount(), own.size(), status("Threads:"), heap, peakHeap,
        Runtime.getRuntime().maxMemory(), status("VmRSS:"), openFileDescriptors(), String.join("|", others));
  }

  /** The bridge's loop, the channel's reader and writer, the echo service's loop. */
  private static boolean isOwn(String threadName) {
    return threadName.startsWith("p2p-bridge") || threadName.startsWith("socket-channel")
        || threadName.equals("echo-service");
  }

  /** A number from {@code /proc/self/status}: {@code VmRSS:} (KiB), {@code Threads:} (all OS threads). */
  private static long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Parses a {@code stats} line back into its fields, for the driver. */
  static Map<String, String> parseStats(String line) {
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    String rest = line.substring("stats ".length());
    int others = rest.indexOf("otherThreads=");
    if (others >= 0) {
      fields.put("otherThreads", rest.substring(others + "otherThreads=".length()));
      rest = rest.substring(0, others);
    }
    for (String field : rest.trim().split(" ")) {
      int eq = field.indexOf('=');
      fields.put(field.substring(0, eq), field.substring(eq + 1));
    }
    return fields;
  }
}

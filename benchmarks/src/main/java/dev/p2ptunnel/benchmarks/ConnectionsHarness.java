package dev.p2ptunnel.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Many connections through one tunnel, spread over four processes so that each stays under a per-process descriptor
 * limit (20 000 here; one JVM would need ~4 per tunnelled connection): this driver holds the application sockets,
 * and child JVMs ({@link TunnelNode}, {@code -Xmx256m}) run the echo service, the host bridge and the client bridge;
 * the two bridges talk over a {@link SocketMessageChannel} on loopback.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.p2ptunnel.benchmarks.ConnectionsHarness [CONNECTIONS [ACTIVE]]
 * </pre>
 *
 * <p>Opens CONNECTIONS (10 000) non-blocking connections to the client bridge, waits until the service, the host and
 * the client all hold every one of them, samples each child (threads, heap after {@code System.gc()}, RSS,
 * descriptors, the bridge's open sockets and errors), sends a 64-byte request on each of the first ACTIVE (1 000) at
 * once and checks every echoed byte, then closes everything and waits for every side to count zero. Children are
 * killed when the driver exits (finally and shutdown hook) and exit by themselves when their stdin ends.
 */
public final class ConnectionsHarness {
  private static final List<String> CHILD_JVM_OPTIONS = List.of("-Xmx256m");
  private static final int REQUEST_BYTES = 64;
  /** Connects started and not yet finished; keeps the client bridge's accept backlog (1 024) from overflowing. */
  private static final int CONNECTS_IN_FLIGHT = 512;
  private static final long START_TIMEOUT_MS = 30_000;
  private static final long ASK_TIMEOUT_MS = 30_000;
  private static final long PHASE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
  private static final long ROUND_TRIP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

  private ConnectionsHarness() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int active = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    List<ChildProcess> children = new ArrayList<>();
    Thread killer = new Thread(() -> children.forEach(ChildProcess::destroy), "kill-children");
    Runtime.getRuntime().addShutdownHook(killer);
    List<SocketChannel> apps = new ArrayList<>(count);
    try (Selector selector = Selector.open()) {
      System.out.printf(Locale.ROOT, "# %d connections, %d active; %d cores, java %s, load %s, fd limit %s%n",
          count, active, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
          loadAverage(), openFileLimit());
      ChildProcess service = start(children, "echo service", "service");
      ChildProcess host = start(children, "host bridge", "host", Integer.toString(service.awaitReadyPort(
          START_TIMEOUT_MS)));
      ChildProcess client = start(children, "client bridge", "client", Integer.toString(host.awaitReadyPort(
          START_TIMEOUT_MS)));
      InetSocketAddress clientAddress =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), client.awaitReadyPort(START_TIMEOUT_MS));
      System.out.printf(Locale.ROOT, "# pids: service %d, host %d, client %d%n", service.pid(), host.pid(),
          client.pid());

      long startNs = System.nanoTime();
      Opened opened = open(selector, clientAddress, count, apps);
      long connectedNs = System.nanoTime();
      List<ChildProcess> sides = List.of(client, host, service);
      boolean established = awaitCounts(sides, apps.size());
      long establishedNs = System.nanoTime();
      System.out.printf(Locale.ROOT, "connections opened    %d of %d, connect errors %d%s%n", apps.size(), count,
          opened.errors(), opened.firstError() == null ? "" : " (first: " + opened.firstError() + ")");
      System.out.printf(Locale.ROOT, "time to open          %.2f s connected, %.2f s established end to end%s%n",
          seconds(connectedNs - startNs), seconds(establishedNs - startNs),
          established ? "" : " -- NOT ALL ESTABLISHED: " + counts(sides));

      List<Map<String, String>> stats = new ArrayList<>();
      for (ChildProcess side : sides) {
        stats.add(TunnelNode.parseStats(side.ask("stats", ASK_TIMEOUT_MS)));
      }
      printProcessTable(sides, stats, apps.size());

      RoundTrips trips = roundTrips(selector, apps, Math.min(active, apps.size()));
      System.out.printf(Locale.ROOT, "round trip (64 B)     %d of %d answered, %d wrong bytes, %d closed early,"
          + " %d not sent, in %.1f ms%n", trips.answered(), Math.min(active, apps.size()), trips.wrongBytes(),
          trips.closedEarly(), trips.notSent(), trips.elapsedNs() / 1e6);
      System.out.printf(Locale.ROOT, "bridge errors after   client %s, host %s%n",
          TunnelNode.parseStats(client.ask("stats", ASK_TIMEOUT_MS)).get("errors"),
          TunnelNode.parseStats(host.ask("stats", ASK_TIMEOUT_MS)).get("errors"));

      long closeStartNs = System.nanoTime();
      for (SocketChannel app : apps) {
        app.close();
      }
      apps.clear();
      boolean allClosed = awaitCounts(sides, 0);
      System.out.printf(Locale.ROOT, "close all             %.2f s until every side counts 0%s%n",
          seconds(System.nanoTime() - closeStartNs), allClosed ? "" : " -- NOT ALL CLOSED: " + counts(sides));
      System.out.printf(Locale.ROOT, "# other JVM threads of the client bridge: %s%n",
          stats.get(0).get("otherThreads").replace('|', ','));
      System.out.printf(Locale.ROOT, "# load at end %s%n", loadAverage());
    } finally {
      for (SocketChannel app : apps) {
        app.close();
      }
      for (ChildProcess child : children) {
        child.close();
      }
    }
  }

  private static ChildProcess start(List<ChildProcess> children, String name, String... args) throws IOException {
    ChildProcess child = ChildProcess.start(name, CHILD_JVM_OPTIONS, args);
    children.add(child);
    return child;
  }

  private record Opened(int errors, @Nullable String firstError) {}

  /** Opens {@code count} connections, at most {@link #CONNECTS_IN_FLIGHT} at a time; adds them to {@code apps}. */
  private static Opened open(Selector selector, InetSocketAddress address, int count, List<SocketChannel> apps)
      throws IOException {
    int started = 0;
    int finished = 0;
    int errors = 0;
    String firstError = null;
    long deadlineNs = System.nanoTime() + PHASE_TIMEOUT_NS;
    while (finished < count && System.nanoTime() < deadlineNs) {
      for (; started < count && started - finished < CONNECTS_IN_FLIGHT; started++) {
        SocketChannel socket = SocketChannel.open();
        try {
          socket.configureBlocking(false);
          if (socket.connect(address)) {
            socket.register(selector, 0);
            apps.add(socket);
            finished++;
          } else {
            socket.register(selector, SelectionKey.OP_CONNECT);
          }
        } catch (IOException e) {
          socket.close();
          finished++;
          errors++;
          firstError = firstError == null ? e.toString() : firstError;
        }
      }
      selector.select(100);
      for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
        SelectionKey key = keys.next();
        keys.remove();
        SocketChannel socket = (SocketChannel) key.channel();
        try {
          if (socket.finishConnect()) {
            key.interestOps(0);
            apps.add(socket);
            finished++;
          }
        } catch (IOException e) {
          socket.close();
          finished++;
          errors++;
          firstError = firstError == null ? e.toString() : firstError;
        }
      }
    }
    return new Opened(errors + (count - finished), firstError);
  }

  /** Polls every side's {@code count} until each equals {@code expected}; false after the phase timeout. */
  private static boolean awaitCounts(List<ChildProcess> sides, long expected) throws Exception {
    long deadlineNs = System.nanoTime() + PHASE_TIMEOUT_NS;
    while (System.nanoTime() < deadlineNs) {
      boolean all = true;
      for (ChildProcess side : sides) {
        all &= Long.parseLong(side.ask("count", ASK_TIMEOUT_MS).substring("count ".length())) == expected;
      }
      if (all) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  private static String counts(List<ChildProcess> sides) throws Exception {
    StringBuilder text = new StringBuilder();
    for (ChildProcess side : sides) {
      text.append(side.name()).append(' ').append(side.ask("count", ASK_TIMEOUT_MS).substring(6)).append("; ");
    }
    return text.toString();
  }

  private static void printProcessTable(List<ChildProcess> sides, List<Map<String, String>> stats, int driverOpen)
      throws IOException {
    String format = "%-14s %6s %7s %10s %5s %9s %9s %8s %7s %7s  %s%n";
    System.out.printf(Locale.ROOT, format, "process", "pid", "open", "threads", "OS", "heap", "peak", "max", "RSS",
        "fds", "errors");
    System.out.printf(Locale.ROOT, format, "", "", "sockets", "total/own", "thr.", "after GC", "heap", "heap", "",
        "", "");
    for (int i = 0; i < sides.size(); i++) {
      Map<String, String> s = stats.get(i);
      System.out.printf(Locale.ROOT, format, sides.get(i).name(), sides.get(i).pid(), s.get("open"),
          s.get("threads") + "/" + s.get("ownThreads"), s.get("osThreads"), mib(s.get("heapAfterGcBytes")),
          mib(s.get("peakHeapBytes")), mib(s.get("maxHeapBytes")), mib(Long.parseLong(s.get("rssKib")) << 10),
          s.get("fds"), s.get("errors"));
    }
    System.out.printf(Locale.ROOT, format, "driver", ProcessHandle.current().pid(), driverOpen, "-", "-", "-", "-",
        "-", "-", openFileDescriptors(), "-");
  }

  private static String mib(String bytes) {
    return mib(Long.parseLong(bytes));
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private record RoundTrips(int answered, long wrongBytes, int closedEarly, int notSent, long elapsedNs) {}

  /** One 64-byte request on each of the first {@code active} connections, all at once; every echoed byte checked. */
  private static RoundTrips roundTrips(Selector selector, List<SocketChannel> apps, int active) throws IOException {
    int notSent = 0;
    long startNs = System.nanoTime();
    for (int i = 0; i < active; i++) {
      SocketChannel app = apps.get(i);
      if (app.write(request(i)) != REQUEST_BYTES) {
        notSent++;
        continue;
      }
      app.keyFor(selector).interestOps(SelectionKey.OP_READ).attach(new Reply(i, ByteBuffer.allocate(REQUEST_BYTES)));
    }
    int answered = 0;
    int closedEarly = 0;
    long wrongBytes = 0;
    long deadlineNs = startNs + ROUND_TRIP_TIMEOUT_NS;
    while (answered + closedEarly + notSent < active && System.nanoTime() < deadlineNs) {
      selector.select(100);
      for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
        SelectionKey key = keys.next();
        keys.remove();
        Reply reply = (Reply) key.attachment();
        int n;
        try {
          n = ((SocketChannel) key.channel()).read(reply.buffer());
        } catch (IOException e) {
          n = -1;
        }
        if (n < 0) {
          key.interestOps(0);
          closedEarly++;
        } else if (!reply.buffer().hasRemaining()) {
          key.interestOps(0);
          answered++;
          ByteBuffer expected = request(reply.index());
          for (int j = 0; j < REQUEST_BYTES; j++) {
            wrongBytes += reply.buffer().get(j) == expected.get(j) ? 0 : 1;
          }
        }
      }
    }
    return new RoundTrips(answered, wrongBytes, closedEarly, notSent, System.nanoTime() - startNs);
  }

  private record Reply(int index, ByteBuffer buffer) {}

  /** Bytes that differ per connection and per position, so that crossed or shifted streams are caught. */
  private static ByteBuffer request(int index) {
    ByteBuffer request = ByteBuffer.allocate(REQUEST_BYTES);
    for (int j = 0; j < REQUEST_BYTES; j++) {
      request.put(j, (byte) (index * 131 + j * 7 + (index >> 8)));
    }
    return request;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  private static String openFileLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        return fields[0] + " soft / " + fields[1] + " hard";
      }
    }
    return "unknown";
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}

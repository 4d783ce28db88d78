package dev.p2ptunnel.demo;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Samples a host or client once a second on a daemon thread: writes every sample to {@code --stats-json}, redraws
 * the status line every second on a terminal, and elsewhere prints it as a plain line every {@code plainEverySeconds}
 * when it has changed (an idle host does not fill a log). Thread-safe; {@link #close()} is idempotent.
 */
final class StatusReporter implements AutoCloseable {
  /**
   * Counters since start, as the host or client reads them from its tunnels.
   *
   * @param state CONNECTING, OPEN, RECONNECTING or CLOSED (host: WAITING, OPEN or RECONNECTING)
   * @param path direct, relayed, mixed, or null
   * @param reconnectingSeconds while RECONNECTING, for how long; else null
   * @param signalingUnreachableSeconds host: while its signaling server is unreachable, for how long; else null
   */
  record Counters(String role, String state, @Nullable String path, int clients, int maxClients, long bytesUp,
      long bytesDown, int openSockets, long totalSockets, Map<String, Long> errors,
      @Nullable Long reconnectingSeconds, int openFlows, @Nullable Long signalingUnreachableSeconds) {
    /** The signaling server reachable (or none). */
    Counters(String role, String state, @Nullable String path, int clients, int maxClients, long bytesUp,
        long bytesDown, int openSockets, long totalSockets, Map<String, Long> errors,
        @Nullable Long reconnectingSeconds, int openFlows) {
      this(role, state, path, clients, maxClients, bytesUp, bytesDown, openSockets, totalSockets, errors,
          reconnectingSeconds, openFlows, null);
    }

    /** Not reconnecting, without UDP flows. */
    Counters(String role, String state, @Nullable String path, int clients, int maxClients, long bytesUp,
        long bytesDown, int openSockets, long totalSockets, Map<String, Long> errors) {
      this(role, state, path, clients, maxClients, bytesUp, bytesDown, openSockets, totalSockets, errors, null, 0);
    }
  }

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "p2p-tunnel-status");
    thread.setDaemon(true);
    return thread;
  });
  private final Supplier<Counters> source;
  private final Console console;
  private final @Nullable StatsJson json;
  private final int plainEverySeconds;
  private @Nullable Counters previous;
  private long previousNanos;
  private long ticks;
  private String lastPlain = "";

  StatusReporter(Supplier<Counters> source, Console console, @Nullable StatsJson json, int plainEverySeconds) {
    this.source = source;
    this.console = console;
    this.json = json;
    this.plainEverySeconds = plainEverySeconds;
  }

  void start() {
    timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  private void tick() {
    try {
      StatusSnapshot snapshot = sample(source.get(), System.nanoTime());
      if (json != null) {
        json.write(snapshot);
      }
      String line = StatusFormat.line(snapshot);
      if (console.terminal()) {
        console.status(line);
      } else if (ticks % plainEverySeconds == 0 && !line.equals(lastPlain)) {
        console.status(line);
        lastPlain = line;
      }
      ticks++;
    } catch (RuntimeException e) {
      console.error("status: " + e.getMessage(), e);
    }
  }

  /** A snapshot of {@code now}, with rates since the previous sample. */
  StatusSnapshot sample(Counters now, long nowNanos) {
    long up = 0;
    long down = 0;
    Counters before = previous;
    if (before != null && nowNanos > previousNanos) {
      double seconds = (nowNanos - previousNanos) / 1e9;
      up = Math.max(0, Math.round((now.bytesUp() - before.bytesUp()) / seconds));
      down = Math.max(0, Math.round((now.bytesDown() - before.bytesDown()) / seconds));
    }
    previous = now;
    previousNanos = nowNanos;
    return new StatusSnapshot(Instant.now().toString(), now.role(), now.state(), now.path(), now.clients(),
        now.maxClients(), up, down, now.bytesUp(), now.bytesDown(), now.openSockets(), now.totalSockets(),
        now.errors(), now.reconnectingSeconds(), now.openFlows(), now.signalingUnreachableSeconds());
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (json != null) {
      json.close();
    }
  }
}

package dev.p2ptunnel.benchmarks.e2e;

import dev.p2ptunnel.benchmarks.e2e.HeldConnection.State;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code TcpTool hold PORT --connections N [--active M] [--in-flight K] [--timeout-ms MS] [--hold-ms MS]}: the
 * application side of the many-connections step, on one thread (a selector).
 *
 * <ol>
 *   <li>Opens N connections to 127.0.0.1:PORT, at most K (512) not yet proven at a time, and proves each one goes
 *       through to the echo service: one byte (different per connection) out, the same byte back. Prints
 *       {@code result established=… connect_failed=… closed=… reset=… wrong_bytes=… timed_out=… ms=…}.
 *   <li>Holds them, watching each for an unexpected close, reset or byte, and obeys one command a line on standard
 *       input: {@code active} sends 64 bytes (different per connection and position) on each of M held connections
 *       at once and checks every echoed byte ({@code result active=… answered=… wrong_bytes=… ms=…});
 *       {@code close} (or the end of input, or --hold-ms) closes everything and prints
 *       {@code result closed held=… lost_while_held=… unexpected_bytes=…}.
 * </ol>
 *
 * <p>Every phase is bounded by --timeout-ms (default 60 s); what has not finished by then is counted as timed out.
 * Not thread-safe: one thread, plus a reader of standard input that only enqueues lines.
 */
final class HoldDriver {
  private static final long SELECT_MS = 100;
  private static final String END_OF_INPUT = "\0eof";

  private final Selector selector;
  private final InetSocketAddress address;
  private final int count;
  private final int active;
  private final int inFlight;
  private final long timeoutMs;
  private final @Nullable HeldConnection[] connections;
  private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();

  private int started;
  private int settled;
  private int established;
  private int connectFailed;
  private int closedEarly;
  private int reset;
  private long wrongBytes;
  private @Nullable String firstError;
  private final long[] establishNs;
  private int lostWhileHeld;
  private long unexpectedBytes;
  private long activeStartNs;
  private long[] answerNs = new long[0];
  private int answered;
  private int activeClosed;
  private int activeReset;
  private long activeWrongBytes;

  private HoldDriver(Selector selector, int port, int count, int active, int inFlight, long timeoutMs) {
    this.selector = selector;
    this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    this.count = count;
    this.active = active;
    this.inFlight = inFlight;
    this.timeoutMs = timeoutMs;
    this.connections = new HeldConnection[count];
    this.establishNs = new long[count];
  }

  static int run(int port, int count, int active, int inFlight, long timeoutMs, long holdMs)
      throws IOException, InterruptedException {
    if (count < 1 || active < 0 || active > count || inFlight < 1) {
      throw new IllegalArgumentException("--connections " + count + " --active " + active + " --in-flight "
          + inFlight + " (expected: connections >= 1, 0 <= active <= connections, in-flight >= 1)");
    }
    try (Selector selector = Selector.open()) {
      HoldDriver driver = new HoldDriver(selector, port, count, active, inFlight, timeoutMs);
      driver.readCommands();
      System.out.println("ready " + openFileLimit());
      try {
        driver.establish();
        driver.hold(holdMs);
      } finally {
        driver.closeAll();
      }
      return 0;
    }
  }

  private void readCommands() {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          commands.add(line.strip());
          selector.wakeup();
        }
      } catch (IOException e) {
        // treated as the end of input
      }
      commands.add(END_OF_INPUT);
      selector.wakeup();
    }, "stdin-commands");
    reader.setDaemon(true);
    reader.start();
  }

  private void establish() throws IOException {
    long startNs = System.nanoTime();
    long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (settled < count && System.nanoTime() - deadlineNs < 0) {
      while (started < count && started - settled < inFlight) {
        open(started++);
      }
      selector.select(SELECT_MS);
      handleSelected();
    }
    long elapsedNs = System.nanoTime() - startNs;
    int timedOut = count - settled;
    for (HeldConnection c : connections) {
      if (c != null && (c.state == State.CONNECTING || c.state == State.VERIFYING)) {
        gone(c);
      }
    }
    Percentiles each = Percentiles.of(Arrays.copyOf(establishNs, established));
    System.out.printf(Locale.ROOT, "result established=%d connections=%d connect_failed=%d closed=%d reset=%d "
        + "wrong_bytes=%d timed_out=%d ms=%d each_p50_ms=%.1f each_p99_ms=%.1f each_max_ms=%.1f first_error=%s%n",
        established, count, connectFailed, closedEarly, reset, wrongBytes, timedOut,
        TimeUnit.NANOSECONDS.toMillis(elapsedNs), each.p50Us() / 1e3, each.p99Us() / 1e3, each.maxUs() / 1e3,
        firstError == null ? "none" : firstError.replace(' ', '_'));
  }

  private void open(int index) {
    SocketChannel socket;
    try {
      socket = SocketChannel.open();
    } catch (IOException e) {
      settled++;
      connectFailed++;
      error(e); // out of descriptors, typically
      return;
    }
    HeldConnection c = new HeldConnection(index, socket);
    connections[index] = c;
    try {
      socket.configureBlocking(false);
      socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      SelectionKey key = socket.register(selector, SelectionKey.OP_CONNECT, c);
      if (socket.connect(address)) {
        sendProbe(c, key);
      }
    } catch (IOException e) {
      failed(c, e);
    }
  }

  private void sendProbe(HeldConnection c, SelectionKey key) throws IOException {
    c.state = State.VERIFYING;
    c.reply.clear().limit(1);
    key.interestOps(SelectionKey.OP_READ);
    if (c.socket.write(ByteBuffer.wrap(new byte[] {c.probe()})) != 1) {
      throw new IOException("a fresh socket did not take 1 byte");
    }
  }

  private void handleSelected() {
    for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
      SelectionKey key = keys.next();
      keys.remove();
      HeldConnection c = (HeldConnection) key.attachment();
      if (!key.isValid() || c.state == State.GONE) {
        continue;
      }
      try {
        switch (c.state) {
          case CONNECTING -> {
            if (c.socket.finishConnect()) {
              sendProbe(c, key);
            }
          }
          case VERIFYING -> readProbe(c);
          case HELD -> readHeld(c);
          case ACTIVE -> readActive(c);
          case GONE -> throw new IllegalStateException("state: GONE (expected: a registered connection)");
        }
      } catch (IOException e) {
        failed(c, e);
      }
    }
  }

  private void readProbe(HeldConnection c) throws IOException {
    if (c.socket.read(c.reply) < 0) {
      settled++;
      closedEarly++;
      gone(c);
      return;
    }
    if (c.reply.hasRemaining()) {
      return;
    }
    settled++;
    if (c.reply.get(0) != c.probe()) {
      wrongBytes++;
      gone(c);
      return;
    }
    establishNs[established++] = System.nanoTime() - c.startNs;
    c.state = State.HELD;
  }

  private void readHeld(HeldConnection c) throws IOException {
    c.reply.clear();
    int n = c.socket.read(c.reply);
    if (n < 0) {
      lostWhileHeld++;
      gone(c);
    } else {
      unexpectedBytes += n;
    }
  }

  private void readActive(HeldConnection c) throws IOException {
    if (c.socket.read(c.reply) < 0) {
      activeClosed++;
      gone(c);
      return;
    }
    if (c.reply.hasRemaining()) {
      return;
    }
    answerNs[answered++] = System.nanoTime() - activeStartNs;
    for (int j = 0; j < HeldConnection.REQUEST_BYTES; j++) {
      activeWrongBytes += c.reply.get(j) == c.request(j) ? 0 : 1;
    }
    c.state = State.HELD;
  }

  /** An I/O error on {@code c}: counted by the phase it was in, then closed. */
  private void failed(HeldConnection c, IOException e) {
    switch (c.state) {
      case CONNECTING -> {
        settled++;
        connectFailed++;
      }
      case VERIFYING -> {
        settled++;
        reset++;
      }
      case HELD -> lostWhileHeld++;
      case ACTIVE -> activeReset++;
      case GONE -> {
        return;
      }
    }
    error(e);
    gone(c);
  }

  private void error(IOException e) {
    if (firstError == null) {
      firstError = e.toString();
    }
  }

  private void gone(HeldConnection c) {
    c.state = State.GONE;
    try {
      c.socket.close(); // also cancels its key
    } catch (IOException e) {
      // nothing left to do with it
    }
  }

  private void hold(long holdMs) throws IOException, InterruptedException {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMs);
    while (System.nanoTime() - deadlineNs < 0) {
      String command = commands.poll();
      if (command == null) {
        selector.select(SELECT_MS);
        handleSelected();
        continue;
      }
      switch (command) {
        case "active" -> active();
        case "status" -> System.out.printf(Locale.ROOT, "status held=%d lost_while_held=%d unexpected_bytes=%d%n",
            held(), lostWhileHeld, unexpectedBytes);
        case "close", END_OF_INPUT -> {
          return;
        }
        default -> System.out.println("error unknown command '" + command + "' (expected: active, status, close)");
      }
    }
    System.out.println("error no close command within --hold-ms " + holdMs + "; closing");
  }

  private int held() {
    int held = 0;
    for (HeldConnection c : connections) {
      held += c != null && c.state == State.HELD ? 1 : 0;
    }
    return held;
  }

  /** One 64-byte request on each of the first {@code active} held connections, all sent before any is read. */
  private void active() throws IOException {
    int target = Math.min(active, held());
    answerNs = new long[target];
    answered = 0;
    activeClosed = 0;
    activeReset = 0;
    activeWrongBytes = 0;
    int sent = 0;
    int notSent = 0;
    activeStartNs = System.nanoTime();
    for (HeldConnection c : connections) {
      if (sent + notSent == target) {
        break;
      }
      if (c == null || c.state != State.HELD) {
        continue;
      }
      ByteBuffer request = ByteBuffer.allocate(HeldConnection.REQUEST_BYTES);
      for (int j = 0; j < HeldConnection.REQUEST_BYTES; j++) {
        request.put(j, c.request(j));
      }
      c.reply.clear();
      c.state = State.ACTIVE;
      try {
        if (c.socket.write(request) == HeldConnection.REQUEST_BYTES) {
          sent++;
        } else {
          notSent++; // a partial request would leave the stream out of step: give the connection up
          gone(c);
        }
      } catch (IOException e) {
        sent++;
        failed(c, e);
      }
    }
    long deadlineNs = activeStartNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (answered + activeClosed + activeReset < sent && System.nanoTime() - deadlineNs < 0) {
      selector.select(SELECT_MS);
      handleSelected();
    }
    long elapsedNs = System.nanoTime() - activeStartNs;
    int timedOut = sent - answered - activeClosed - activeReset;
    for (HeldConnection c : connections) {
      if (c != null && c.state == State.ACTIVE) {
        gone(c); // no answer in time: its stream is out of step now
      }
    }
    Percentiles times = Percentiles.of(Arrays.copyOf(answerNs, answered));
    System.out.printf(Locale.ROOT, "result active=%d answered=%d closed=%d reset=%d wrong_bytes=%d not_sent=%d "
        + "timed_out=%d ms=%.1f p50_ms=%.1f p99_ms=%.1f%n", target, answered, activeClosed, activeReset,
        activeWrongBytes, notSent, timedOut, elapsedNs / 1e6, times.p50Us() / 1e3, times.p99Us() / 1e3);
  }

  private void closeAll() {
    int held = held();
    for (HeldConnection c : connections) {
      if (c != null && c.state != State.GONE) {
        gone(c);
      }
    }
    System.out.printf(Locale.ROOT, "result closed held=%d lost_while_held=%d unexpected_bytes=%d%n", held,
        lostWhileHeld, unexpectedBytes);
  }

  /** {@code fd_limit=SOFT/HARD} of this process, from /proc/self/limits. */
  static String openFileLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        return "fd_limit=" + fields[0] + "/" + fields[1];
      }
    }
    return "fd_limit=unknown";
  }
}

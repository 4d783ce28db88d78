package dev.p2ptunnel.benchmarks.e2e;

import dev.p2ptunnel.bridge.DatagramTransport;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.OfflineToken;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One peer of a raw DataChannel measurement: the same webrtc-java stack as the tunnel ({@link WebRtcSession} and
 * its {@link MessageChannel}), without the bridges. Run one per namespace; the two exchange their descriptions as
 * offline tokens through files in a shared directory.
 *
 * <pre>
 * RawPeer offer|answer DIR throughput|echo|loaded [--bytes N] [--count N] [--warmup N] [--size N] [--seconds S]
 *     [--bulk-size N] [--ping-on data|second] [--stun URL] [--turn URL --turn-user U --turn-pass P]
 *     [--high-watermark B --low-watermark B] [--timeout-ms MS]
 * </pre>
 *
 * <p>throughput: the offerer sends {@code --bytes} in messages of {@code --bulk-size} bytes (64 KiB unless given),
 * gated on {@link MessageChannel#isWritable()}; the answerer times first to last byte and prints
 * {@code result throughput bytes=… ns=…}, then acknowledges. Both print {@code result cpu_ms=… bytes=…}: this
 * process's CPU time over its part of the transfer.
 * echo: the offerer sends a 64-byte message, waits for the answerer's echo, {@code --warmup} then {@code --count}
 * times, and prints the round-trip percentiles. loaded: the same with {@code --size} bytes for {@code --seconds}
 * while the offerer also sends bulk ({@code --bulk-size} bytes a message, 64 KiB unless given, more than
 * {@code --size}) from a thread of its own; prints the percentiles and the bulk MB/s. With {@code --ping-on second}
 * (given to both peers) the round trips travel on a second DataChannel, another SCTP stream (the session's datagram
 * channel, id 1: unordered, no retransmission; a lost round trip is sent again after 1 s and counted), the bulk on
 * {@code data}: whether libwebrtc's SCTP lets a small message of another stream pass the bulk stream's queue (see
 * docs/PERFORMANCE.md, "Latency under load"). Both print {@code result path=…}. Every wait is bounded by
 * {@code --timeout-ms}; the process exits with 1 if one passes.
 */
public final class RawPeer {
  private static final int BULK_MESSAGE_BYTES = 64 * 1024;
  private static final int PING_BYTES = 64;
  /** In mode loaded, messages above this are the bulk, counted; smaller ones are round trips, echoed. */
  private static final int LOADED_BULK_ABOVE = 16 * 1024;
  private static final long LOADED_RAMP_MS = 1_500;

  private RawPeer() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    boolean offerer = args.positional(0, "role").equals("offer");
    Path dir = Path.of(args.positional(1, "dir"));
    String mode = args.positional(2, "mode");
    long timeoutMs = args.getLong("timeout-ms", 60_000);
    WebRtcConfig config = args.webRtcConfig();
    int status = 1;
    WebRtcSession session = null;
    try {
      long startNs = System.nanoTime();
      MessageChannel channel;
      if (offerer) {
        session = WebRtcSession.offer(config);
        writeAtomically(dir.resolve("offer"), OfflineToken.encode(session.localDescription()));
        session.acceptAnswer(OfflineToken.decode(awaitFile(dir.resolve("answer"), timeoutMs)));
      } else {
        SessionDescription offer = OfflineToken.decode(awaitFile(dir.resolve("offer"), timeoutMs));
        session = WebRtcSession.answer(config, offer);
        writeAtomically(dir.resolve("answer"), OfflineToken.encode(session.localDescription()));
      }
      channel = session.dataChannel(Duration.ofMillis(timeoutMs));
      System.out.printf(Locale.ROOT, "result open_ms=%d path=%s%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
          session.path().get(5, TimeUnit.SECONDS).name().toLowerCase(Locale.ROOT));
      int size = (int) args.getLong("size", 1_024);
      Inbox inbox = new Inbox(!offerer && mode.equals("throughput") ? args.getLong("bytes", 100_000_000) : -1,
          mode.equals("loaded") ? Math.min(LOADED_BULK_ABOVE, size) : PING_BYTES);
      channel.start(inbox);
      Pings pings = new Pings(channel, null);
      String pingOn = args.get("ping-on", "data");
      if (mode.equals("loaded") && pingOn.equals("second")) {
        DatagramTransport second =
            channel.openDatagrams().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
        second.start(inbox);
        pings = new Pings(channel, second);
      } else if (!pingOn.equals("data")) {
        throw new IllegalArgumentException("--ping-on: " + pingOn + " (expected: data or second)");
      }
      boolean ok = switch (mode) {
        case "throughput" -> offerer
            ? send(channel, inbox, args.getLong("bytes", 100_000_000),
                (int) args.getLong("bulk-size", BULK_MESSAGE_BYTES), timeoutMs)
            : receive(channel, inbox, args.getLong("bytes", 100_000_000), timeoutMs);
        case "echo" -> offerer
            ? ping(channel, inbox, (int) args.getLong("warmup", 2_000), (int) args.getLong("count", 10_000),
                timeoutMs)
            : echo(pings, inbox, timeoutMs);
        case "loaded" -> offerer
            ? loaded(channel, pings, inbox, size, (int) args.getLong("bulk-size", BULK_MESSAGE_BYTES),
                args.getLong("seconds", 4), timeoutMs)
            : echo(pings, inbox, timeoutMs);
        default -> throw new IllegalArgumentException("mode: " + mode + " (expected: throughput, echo or loaded)");
      };
      status = ok ? 0 : 1;
    } catch (Exception e) {
      System.out.println("error " + e);
    } finally {
      if (session != null) {
        session.close();
      }
    }
    System.out.flush();
    // An undisposed native thread can keep the JVM alive; the session is closed, so exit explicitly.
    Runtime.getRuntime().halt(status);
  }

  private static boolean send(MessageChannel channel, Inbox inbox, long bytes, int messageBytes, long timeoutMs)
      throws InterruptedException {
    if (messageBytes <= PING_BYTES || messageBytes > BULK_MESSAGE_BYTES) {
      throw new IllegalArgumentException("--bulk-size: " + messageBytes + " (expected: more than " + PING_BYTES
          + ", at most " + BULK_MESSAGE_BYTES + ")");
    }
    ByteBuffer message = ByteBuffer.allocateDirect(messageBytes);
    long cpuMs = ProcCpu.self();
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    for (long sent = 0; sent < bytes; ) {
      if (!channel.isWritable()) {
        inbox.writable.tryAcquire(10, TimeUnit.MILLISECONDS); // onWritable, or re-check after 10 ms
        if (System.nanoTime() > deadlineNs || !channel.isOpen()) {
          System.out.println("error send stalled at " + sent + " of " + bytes + " bytes");
          return false;
        }
        continue;
      }
      int length = (int) Math.min(messageBytes, bytes - sent);
      message.clear().limit(length);
      if (!channel.send(message)) {
        System.out.println("error channel closed at " + sent + " of " + bytes + " bytes");
        return false;
      }
      sent += length;
    }
    ByteBuffer ack = inbox.messages.poll(timeoutMs, TimeUnit.MILLISECONDS);
    System.out.println(ack == null ? "error no acknowledgement" : "result sent bytes=" + bytes);
    System.out.println("result cpu_ms=" + (ProcCpu.self() - cpuMs) + " bytes=" + bytes);
    return ack != null;
  }

  private static boolean receive(MessageChannel channel, Inbox inbox, long bytes, long timeoutMs)
      throws InterruptedException {
    if (!inbox.allReceived.await(timeoutMs, TimeUnit.MILLISECONDS) || inbox.received != bytes) {
      System.out.println("error received " + inbox.received + " of " + bytes + " bytes");
      return false;
    }
    System.out.printf(Locale.ROOT, "result throughput bytes=%d ns=%d%n", inbox.received,
        inbox.lastNs - inbox.firstNs);
    System.out.println("result cpu_ms=" + (ProcCpu.self() - inbox.firstCpuMs) + " bytes=" + inbox.received);
    channel.send(ByteBuffer.wrap(new byte[] {1}));
    Thread.sleep(200); // let the acknowledgement leave before the session closes
    return true;
  }

  private static boolean ping(MessageChannel channel, Inbox inbox, int warmup, int count, long timeoutMs)
      throws InterruptedException {
    long[] rttNs = new long[count];
    ByteBuffer request = ByteBuffer.allocate(PING_BYTES);
    for (int i = -warmup; i < count; i++) {
      long t0 = System.nanoTime();
      channel.send(request.clear());
      ByteBuffer reply = inbox.messages.poll(timeoutMs, TimeUnit.MILLISECONDS);
      long t1 = System.nanoTime();
      if (reply == null || reply.remaining() != PING_BYTES) {
        System.out.println("error echo " + i + ": " + (reply == null ? "no reply" : reply.remaining() + " bytes"));
        return false;
      }
      if (i >= 0) {
        rttNs[i] = t1 - t0;
      }
    }
    channel.send(ByteBuffer.wrap(new byte[] {1})); // tells the echo side to stop
    System.out.println("result " + Percentiles.of(rttNs).line());
    Thread.sleep(200);
    return true;
  }

  /**
   * Round trips of {@code size} bytes for {@code seconds} while a thread of its own sends 64 KiB messages as fast as
   * the channel takes them (gated on writability), started {@link #LOADED_RAMP_MS} before: the raw channel's latency
   * under its own bulk load. Prints the round trips' percentiles and the bulk MB/s sent meanwhile.
   */
  private static boolean loaded(MessageChannel channel, Pings pings, Inbox inbox, int size, int bulkSize,
      long seconds, long timeoutMs) throws InterruptedException {
    if (size < Integer.BYTES || size > LOADED_BULK_ABOVE) {
      throw new IllegalArgumentException("--size: " + size + " (expected: " + Integer.BYTES + " to "
          + LOADED_BULK_ABOVE + ")");
    }
    if (bulkSize <= size || bulkSize > BULK_MESSAGE_BYTES) {
      throw new IllegalArgumentException("--bulk-size: " + bulkSize + " (expected: more than --size " + size
          + ", at most " + BULK_MESSAGE_BYTES + ")");
    }
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong bulk = new java.util.concurrent.atomic.AtomicLong();
    Thread sender = new Thread(() -> {
      ByteBuffer message = ByteBuffer.allocateDirect(bulkSize);
      while (!stop.get() && channel.isOpen()) {
        if (!channel.isWritable()) {
          try {
            inbox.writable.tryAcquire(10, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        channel.send(message.clear());
        bulk.addAndGet(bulkSize);
      }
    }, "bulk-sender");
    sender.setDaemon(true);
    sender.start();
    Thread.sleep(LOADED_RAMP_MS);
    long bulkFrom = bulk.get();
    long from = System.nanoTime();
    long end = from + TimeUnit.SECONDS.toNanos(seconds);
    ByteBuffer request = ByteBuffer.allocate(size);
    long[] rttNs = new long[1 << 16];
    int count = 0;
    int lost = 0;
    int sequence = 0;
    while (System.nanoTime() < end && count < rttNs.length) {
      long t0 = System.nanoTime();
      request.clear().putInt(0, ++sequence); // a reply to a round trip given up as lost is told apart by it
      pings.send(request);
      ByteBuffer reply = inbox.messages.poll(pings.second == null ? timeoutMs : 1_000, TimeUnit.MILLISECONDS);
      while (reply != null && reply.remaining() == size && reply.getInt(reply.position()) != sequence) {
        reply = inbox.messages.poll(pings.second == null ? timeoutMs : 1_000, TimeUnit.MILLISECONDS); // late
      }
      if (reply == null && pings.second != null && lost < 100) {
        lost++; // a datagram lost (or dropped): sent again, not timed
        continue;
      }
      if (reply == null || reply.remaining() != size) {
        System.out.println("error loaded echo " + count + ": " + (reply == null ? "no reply" : reply.remaining()));
        stop.set(true);
        return false;
      }
      rttNs[count++] = System.nanoTime() - t0;
    }
    double mbps = (bulk.get() - bulkFrom) / ((System.nanoTime() - from) / 1e9) / 1e6;
    stop.set(true);
    sender.join(5_000);
    channel.send(ByteBuffer.wrap(new byte[] {1})); // tells the echo side to stop
    System.out.println("result " + Percentiles.of(java.util.Arrays.copyOf(rttNs, count)).line());
    System.out.printf(Locale.ROOT, "result loaded bulk_mbps=%.2f lost=%d ping_on=%s bulk_size=%d%n", mbps, lost,
        pings.second == null ? "data" : "second", bulkSize);
    Thread.sleep(200);
    return true;
  }

  private static boolean echo(Pings pings, Inbox inbox, long timeoutMs) throws InterruptedException {
    // Echoed from this thread, not from the native callback (send() is a blocking hop to the network thread).
    while (true) {
      ByteBuffer message = inbox.messages.poll(timeoutMs, TimeUnit.MILLISECONDS);
      if (message == null) {
        System.out.println("error echo: no request within " + timeoutMs + " ms");
        return false;
      }
      if (message.remaining() == 1) {
        System.out.println("result echo done");
        return true;
      }
      pings.send(message);
    }
  }

  static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String awaitFile(Path file, long timeoutMs) throws IOException, InterruptedException {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadlineNs) {
        throw new IOException("no " + file + " within " + timeoutMs + " ms");
      }
      Thread.sleep(2);
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /**
   * Where round trips go: the data channel, or the second channel when there is one (the one-byte stop message
   * always goes on the data channel, reliably, behind the bulk). Thread-safe as the channels are.
   */
  private record Pings(MessageChannel channel, @Nullable DatagramTransport second) {
    void send(ByteBuffer message) {
      if (second != null && message.remaining() > 1) {
        second.send(message);
      } else {
        channel.send(message);
      }
    }
  }

  /**
   * What the channel delivers, on its delivery thread: bulk bytes are only counted (and timed), small messages are
   * queued for the main thread. Thread-safe through the queue, the latch and volatile fields.
   */
  private static final class Inbox implements MessageChannel.Listener, DatagramTransport.Listener {
    final BlockingQueue<ByteBuffer> messages = new ArrayBlockingQueue<>(1_024);
    final Semaphore writable = new Semaphore(0);
    final CountDownLatch allReceived = new CountDownLatch(1);
    private final long expected;
    volatile long received;
    volatile long firstNs;
    /** This process's CPU time when the first bulk byte arrived. */
    volatile long firstCpuMs;
    volatile long lastNs;

    private final int bulkAbove;

    Inbox(long expectedBytes, int bulkAbove) {
      this.expected = expectedBytes;
      this.bulkAbove = bulkAbove;
    }

    @Override
    public void onMessage(ByteBuffer message) {
      if (message.remaining() > bulkAbove) {
        long now = System.nanoTime();
        if (received == 0) {
          firstNs = now;
          firstCpuMs = ProcCpu.self();
        }
        received += message.remaining(); // only this thread writes
        lastNs = now;
        if (received == expected) {
          allReceived.countDown();
        }
      } else if (!messages.offer(message)) {
        System.out.println("error inbox full");
      }
    }

    @Override
    public void onWritable() {
      writable.release();
    }

    @Override
    public void onClosed(String reason) {
      System.out.println("closed " + reason);
      allReceived.countDown();
    }
  }
}

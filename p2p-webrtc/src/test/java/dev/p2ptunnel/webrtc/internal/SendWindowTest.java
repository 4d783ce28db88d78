package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The send window: a send never asks libwebrtc for its queue (the hop that blocked the bridge loop ~207 µs per message
 * during a download); the session thread does, and the window stays an upper bound of the queue.
 */
class SendWindowTest {
  private static final int HIGH = 256 * 1024;
  private static final int LOW = 64 * 1024;
  private static final int LIMIT = 16 * 1024 * 1024;
  private static final int MESSAGE = 64 * 1024;

  /** A native channel whose queue the test sets; counts the queries and on which thread they ran. */
  private static final class FakeNative implements SendWindow.Native {
    volatile long queued;
    volatile boolean sending;
    int queriesInSend;
    int queries;
    int sends;
    Runnable duringQuery = () -> { };

    @Override
    public void send(ByteBuffer exact) {
      sends++;
      queued += exact.remaining();
    }

    @Override
    public long bufferedAmount() {
      queries++;
      if (sending) {
        queriesInSend++;
      }
      duringQuery.run();
      return queued;
    }
  }

  /** The session thread, run by hand: tasks wait until the test runs them; no clock, delays are only noted. */
  private static final class ManualOwner implements SendWindow.Owner {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    final List<Long> delaysNs = new ArrayList<>();
    int writables;
    final List<String> failures = new ArrayList<>();

    @Override
    public boolean execute(Runnable task) {
      tasks.add(task);
      delaysNs.add(0L);
      return true;
    }

    @Override
    public void schedule(Runnable task, long delayNs) {
      tasks.add(task);
      delaysNs.add(delayNs);
    }

    @Override
    public void writable() {
      writables++;
    }

    @Override
    public void fail(String reason) {
      failures.add(reason);
    }

    void runOne() {
      tasks.remove().run();
    }
  }

  private final FakeNative channel = new FakeNative();
  private final ManualOwner owner = new ManualOwner();
  private long nowNs;
  private final SendWindow window = new SendWindow(channel, owner, HIGH, LOW, LIMIT, () -> nowNs);

  private boolean send(int length) {
    channel.sending = true;
    try {
      return window.send(ByteBuffer.allocate(length), length);
    } finally {
      channel.sending = false;
    }
  }

  @Test
  void shouldNeverAskLibwebrtcInASendBelowTheLimit() {
    for (int i = 0; i < 20; i++) {
      assertTrue(send(MESSAGE));
      while (!owner.tasks.isEmpty()) {
        channel.queued = Math.max(0, channel.queued - 2 * MESSAGE); // the path drains meanwhile
        owner.runOne();
      }
    }
    assertEquals(20, channel.sends);
    assertEquals(0, channel.queriesInSend, "no send waited for an answer");
    assertTrue(window.queries() > 0, "the session thread asked");
  }

  @Test
  void shouldStopAtTheHighWatermarkAndAskOnTheSessionThread() {
    for (int i = 0; i < 3; i++) {
      assertTrue(send(MESSAGE));
      assertTrue(window.writable());
    }
    assertTrue(owner.tasks.isEmpty(), "below the high watermark nothing is asked");
    assertTrue(send(MESSAGE)); // 256 KiB: at the high watermark
    assertFalse(window.writable(), "not writable at once, without waiting for an answer");
    assertEquals(0, window.queries(), "the send did not ask");
    assertEquals(1, owner.tasks.size());
    assertEquals(0L, owner.delaysNs.get(0), "asked at once");

    channel.queued = HIGH - 1; // drained a little: below the high watermark the window opens again at once
    owner.runOne();
    assertTrue(window.writable());
    assertEquals(1, owner.writables);
    assertEquals(HIGH - 1, window.estimate());
    assertTrue(owner.tasks.isEmpty(), "no polling while writable");
  }

  @Test
  void shouldPollUntilTheLowWatermarkWhenTheQueueStaysHigh() {
    for (int i = 0; i < 4; i++) {
      send(MESSAGE);
    }
    owner.runOne(); // the refresh: still 256 KiB queued
    assertFalse(window.writable());
    assertEquals(0, owner.writables);
    assertEquals(SendWindow.POLL_INTERVAL_NS, owner.delaysNs.get(1), "then polled every millisecond");

    channel.queued = LOW + 1; // the clock stands still: no rate, the configured watermarks hold
    owner.runOne();
    assertFalse(window.writable(), "above the low watermark");
    channel.queued = LOW;
    owner.runOne();
    assertTrue(window.writable());
    assertEquals(1, owner.writables, "told once");
    assertTrue(owner.tasks.isEmpty());
  }

  @Test
  void shouldAskOnceWhileAnAnswerIsPending() {
    for (int i = 0; i < 6; i++) {
      send(MESSAGE); // the bridge's control frames may follow a send that stopped the window
    }
    assertEquals(1, owner.tasks.size(), "one question at a time");
    assertEquals(6L * MESSAGE, window.estimate());
  }

  @Test
  void shouldCountSendsMadeWhileTheSessionThreadAsks() throws Exception {
    for (int i = 0; i < 4; i++) {
      send(MESSAGE);
    }
    CountDownLatch asking = new CountDownLatch(1);
    CountDownLatch sent = new CountDownLatch(1);
    channel.duringQuery = () -> {
      asking.countDown();
      try {
        assertTrue(sent.await(60, TimeUnit.SECONDS), "the send did not wait for the query");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    long answer = channel.queued; // what libwebrtc answers: before the concurrent send
    Runnable refresh = owner.tasks.remove();
    CompletableFuture<Void> session = CompletableFuture.runAsync(refresh);
    assertTrue(asking.await(60, TimeUnit.SECONDS));
    long before = channel.queued;
    assertTrue(window.send(ByteBuffer.allocate(100), 100)); // the loop goes on while the session thread waits
    channel.queued = before; // libwebrtc's answer was taken before this send
    sent.countDown();
    session.get(60, TimeUnit.SECONDS);
    assertEquals(answer + 100, window.estimate(), "the send made during the query counts on top of its answer");
  }

  @Test
  void shouldAskOnTheColdPathAndFailBeyondTheHardLimit() {
    SendWindow small = new SendWindow(channel, owner, HIGH, LOW, 3L * MESSAGE, () -> nowNs);
    for (int i = 0; i < 3; i++) {
      assertTrue(small.send(ByteBuffer.allocate(MESSAGE), MESSAGE));
    }
    channel.queued = MESSAGE; // the path drained: the limit holds against the real queue, not the bound
    assertTrue(small.send(ByteBuffer.allocate(MESSAGE), MESSAGE));
    assertEquals(1, small.queries());
    assertEquals(2L * MESSAGE, small.estimate());
    assertTrue(small.send(ByteBuffer.allocate(MESSAGE), MESSAGE)); // at the limit: no need to ask
    assertEquals(1, small.queries());
    assertFalse(small.send(ByteBuffer.allocate(MESSAGE), MESSAGE)); // libwebrtc still holds all three
    assertEquals(2, small.queries());
    assertEquals(5, channel.sends, "the refused message never reached libwebrtc");
    assertEquals(List.of("send queue limit: 262144 bytes would be queued > limit 196608"
        + " (the sender ignored isWritable())"), owner.failures);
  }

  @Test
  void shouldSendNothingAndAskNothingOnceClosed() {
    for (int i = 0; i < 4; i++) {
      send(MESSAGE);
    }
    window.close();
    assertFalse(send(MESSAGE));
    owner.runOne();
    assertEquals(4, channel.sends);
    assertEquals(0, channel.queries, "a closed channel may be disposed: never asked");
    assertEquals(0, owner.writables);
  }
}

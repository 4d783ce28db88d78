package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.BridgeConfig.InboundOverflow;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class InboundQueueTest {
  private static final int OVERHEAD = BridgeConfig.INBOUND_MESSAGE_OVERHEAD;

  private final AtomicInteger wakeups = new AtomicInteger();

  @Test
  void shouldChargeEachMessageItsLengthAndOverheadUntilPolled() {
    InboundQueue queue = new InboundQueue(1 << 20, Integer.MAX_VALUE, InboundOverflow.CLOSE,
        wakeups::incrementAndGet);
    queue.message(ByteBuffer.allocate(100), 0);
    Command.Writable writable = new Command.Writable(0);
    queue.control(writable);
    assertEquals(100 + OVERHEAD, queue.queuedBytes());
    assertEquals(2, wakeups.get(), "every offer wakes the loop");
    assertInstanceOf(Command.Received.class, queue.poll());
    assertEquals(0, queue.queuedBytes());
    assertSame(writable, queue.poll());
    assertNull(queue.poll());
  }

  @Test
  void shouldReportOverflowAndDropEverythingAfterUnderClose() {
    long max = 3L * (1000 + OVERHEAD);
    InboundQueue queue = new InboundQueue(max, Integer.MAX_VALUE, InboundOverflow.CLOSE, wakeups::incrementAndGet);
    for (int i = 0; i < 3; i++) {
      queue.message(ByteBuffer.allocate(1000), 0);
    }
    assertNull(queue.overflow());
    queue.message(ByteBuffer.allocate(1000), 0);
    assertEquals("inbound queue " + (max + 1000 + OVERHEAD) + " bytes > max " + max
        + ": the peer sends faster than the bridge handles its messages", queue.overflow());
    queue.poll();
    queue.message(ByteBuffer.allocate(1), 0); // there is room again, but the bridge is closing
    assertEquals(2L * (1000 + OVERHEAD), queue.queuedBytes());
  }

  @Test
  void shouldAlwaysAcceptOneMessageIntoAnEmptyQueue() {
    InboundQueue queue = new InboundQueue(BridgeConfig.MIN_INBOUND_QUEUE_BYTES, Integer.MAX_VALUE, InboundOverflow.CLOSE,
        () -> {});
    queue.message(ByteBuffer.allocate(65_536), 0);
    assertNull(queue.overflow());
  }

  @Test
  void shouldAcceptControlCommandsWhenFull() {
    InboundQueue queue = new InboundQueue(BridgeConfig.MIN_INBOUND_QUEUE_BYTES, Integer.MAX_VALUE, InboundOverflow.BLOCK,
        () -> {});
    queue.message(ByteBuffer.allocate(65_536), 0);
    queue.control(new Command.Close("now"));
    queue.poll();
    assertEquals(new Command.Close("now"), queue.poll());
  }

  @Test
  @Timeout(60)
  void shouldMakeTheDeliveringThreadWaitUnderBlockUntilTheLoopMakesRoom() throws Exception {
    InboundQueue queue = new InboundQueue(BridgeConfig.MIN_INBOUND_QUEUE_BYTES, Integer.MAX_VALUE, InboundOverflow.BLOCK,
        () -> {});
    queue.message(ByteBuffer.allocate(65_536), 0);
    CountDownLatch delivered = new CountDownLatch(1);
    Thread channel = new Thread(() -> {
      queue.message(ByteBuffer.allocate(10), 0); // waits: the first message fills the queue
      delivered.countDown();
    }, "test-channel");
    channel.start();
    awaitWaiting(channel);
    assertEquals(1, delivered.getCount(), "still waiting while the queue is full");
    assertEquals(65_536, ((Command.Received) queue.poll()).message().remaining());
    assertTrue(delivered.await(30, TimeUnit.SECONDS), "the poll made room");
    assertEquals(10, ((Command.Received) queue.poll()).message().remaining(), "nothing lost, nothing reordered");
    assertNull(queue.overflow());
  }

  @Test
  @Timeout(60)
  void shouldReleaseAWaitingThreadWhenTheLoopEnds() throws Exception {
    InboundQueue queue = new InboundQueue(BridgeConfig.MIN_INBOUND_QUEUE_BYTES, Integer.MAX_VALUE, InboundOverflow.BLOCK,
        () -> {});
    queue.message(ByteBuffer.allocate(65_536), 0);
    Thread channel = new Thread(() -> queue.message(ByteBuffer.allocate(10), 0), "test-channel");
    channel.start();
    awaitWaiting(channel);
    queue.close();
    channel.join(30_000);
    assertEquals(Thread.State.TERMINATED, channel.getState());
  }

  /** Waits (without sleeping) until {@code thread} parks in the queue's wait. */
  private static void awaitWaiting(Thread thread) {
    while (thread.getState() != Thread.State.WAITING) {
      assertTrue(thread.isAlive(), "the delivering thread returned instead of waiting");
      Thread.onSpinWait();
    }
  }
}

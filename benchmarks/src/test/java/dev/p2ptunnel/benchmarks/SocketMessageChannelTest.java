package dev.p2ptunnel.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.MessageChannel;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two {@link SocketMessageChannel}s joined by real loopback TCP. */
@Timeout(60)
class SocketMessageChannelTest {

  /** Records every call; messages as byte arrays. */
  private static final class Recorder implements MessageChannel.Listener {
    final LinkedBlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    final List<String> closes = new CopyOnWriteArrayList<>();
    final CountDownLatch closed = new CountDownLatch(1);
    final AtomicInteger writables = new AtomicInteger();
    final CountDownLatch writable = new CountDownLatch(1);

    @Override
    public void onMessage(ByteBuffer message) {
      byte[] bytes = new byte[message.remaining()];
      message.get(bytes);
      messages.add(bytes);
    }

    @Override
    public void onWritable() {
      writables.incrementAndGet();
      writable.countDown();
    }

    @Override
    public void onClosed(String reason) {
      closes.add(reason);
      closed.countDown();
    }
  }

  private record Sockets(Socket first, Socket second) {}

  /** Waits until the channel's reader and writer threads have ended. */
  private static void joinThreadsOf(SocketMessageChannel channel) throws InterruptedException {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals(channel + "-reader") || thread.getName().equals(channel + "-writer")) {
        thread.join(30_000);
        assertFalse(thread.isAlive(), thread.getName() + " still runs");
      }
    }
  }

  private static Sockets sockets() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Socket first = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
      return new Sockets(first, server.accept());
    }
  }

  @Test
  void shouldDeliverEveryMessageInOrderWithItsExactBytes() throws Exception {
    Sockets sockets = sockets();
    SocketMessageChannel a = new SocketMessageChannel(sockets.first());
    SocketMessageChannel b = new SocketMessageChannel(sockets.second());
    Recorder received = new Recorder();
    b.start(received);
    a.start(new Recorder());
    Random random = new Random(42);
    byte[][] sent = new byte[2_000][];
    for (int i = 0; i < sent.length; i++) {
      // empty and maximal messages included
      int length = i == 0 ? 0 : i == 1 ? MessageChannel.MAX_MESSAGE_LENGTH : random.nextInt(3_000);
      sent[i] = new byte[length];
      random.nextBytes(sent[i]);
      ByteBuffer message = ByteBuffer.allocate(length + 3).position(3);
      message.put(sent[i]).position(3);
      assertTrue(a.send(message));
      assertEquals(3, message.position(), "send must not move the position");
    }
    for (byte[] expected : sent) {
      assertArrayEquals(expected, received.messages.poll(10, TimeUnit.SECONDS));
    }
    a.close("done");
  }

  @Test
  void shouldCallOnClosedOnceOnBothEndsAfterTheMessagesSentBefore() throws Exception {
    Sockets sockets = sockets();
    SocketMessageChannel a = new SocketMessageChannel(sockets.first());
    SocketMessageChannel b = new SocketMessageChannel(sockets.second());
    Recorder atA = new Recorder();
    Recorder atB = new Recorder();
    a.start(atA);
    b.start(atB);
    a.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    a.close("bye");
    a.close("again");
    assertFalse(a.isOpen());
    assertFalse(a.send(ByteBuffer.wrap(new byte[] {4})));
    assertTrue(atA.closed.await(10, TimeUnit.SECONDS));
    assertTrue(atB.closed.await(10, TimeUnit.SECONDS));
    assertArrayEquals(new byte[] {1, 2, 3}, atB.messages.poll(10, TimeUnit.SECONDS));
    joinThreadsOf(a); // onClosed comes from the reader thread only: once it has ended, no other call can follow
    joinThreadsOf(b);
    assertEquals(List.of("bye"), atA.closes);
    assertEquals(List.of("peer closed the channel"), atB.closes);
    assertFalse(b.isOpen());
  }

  @Test
  void shouldSignalWritableOnceTheQueueDrainsBelowTheLowWatermark() throws Exception {
    Sockets sockets = sockets();
    SocketMessageChannel a = new SocketMessageChannel(sockets.first());
    SocketMessageChannel b = new SocketMessageChannel(sockets.second());
    Recorder atA = new Recorder();
    a.start(atA);
    ByteBuffer message = ByteBuffer.allocate(MessageChannel.MAX_MESSAGE_LENGTH);
    while (a.isWritable()) { // b reads nothing yet: socket buffers fill, then the queue
      assertTrue(a.send(message));
    }
    assertTrue(a.bufferedAmount() >= SocketMessageChannel.HIGH_WATERMARK_BYTES);
    Recorder atB = new Recorder();
    b.start(atB);
    assertTrue(atA.writable.await(30, TimeUnit.SECONDS), "onWritable once b drained the queue");
    assertEquals(1, atA.writables.get());
    assertTrue(a.isWritable());
    a.close("done");
  }

  @Test
  void shouldRejectAMessageLongerThanTheMaximum() throws Exception {
    Sockets sockets = sockets();
    SocketMessageChannel a = new SocketMessageChannel(sockets.first());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> a.send(ByteBuffer.allocate(MessageChannel.MAX_MESSAGE_LENGTH + 1)));
    assertEquals("message length: 65537 (expected: <= 65536)", e.getMessage());
    a.close("done");
    sockets.second().close();
  }

  @Test
  void shouldCloseWhenThePeerAnnouncesAMessageLongerThanTheMaximum() throws Exception {
    Sockets sockets = sockets();
    SocketMessageChannel b = new SocketMessageChannel(sockets.second());
    Recorder atB = new Recorder();
    b.start(atB);
    DataOutputStream raw = new DataOutputStream(sockets.first().getOutputStream());
    raw.writeInt(0xFFFF_FFFF); // u32 4294967295: far past 65536
    raw.flush();
    assertTrue(atB.closed.await(10, TimeUnit.SECONDS));
    assertEquals("message length 4294967295 > max 65536 (" + b + ")", atB.closes.get(0));
    assertTrue(atB.messages.isEmpty());
    sockets.first().close();
  }
}

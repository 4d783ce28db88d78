package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.MessageChannel;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Test listener: hashes what arrives, counts it, and wakes a sender on onWritable. */
class Endpoint implements MessageChannel.Listener {
  final MessageDigest received = sha256();
  final CompletableFuture<byte[]> allReceived = new CompletableFuture<>();
  final CompletableFuture<String> closed = new CompletableFuture<>();
  final Semaphore writable = new Semaphore(0);
  volatile long receivedBytes;
  volatile long receivedMessages;
  final java.util.concurrent.atomic.AtomicInteger writableSignals = new java.util.concurrent.atomic.AtomicInteger();
  private final long expectedBytes;

  Endpoint(long expectedBytes) {
    this.expectedBytes = expectedBytes;
  }

  @Override
  public void onMessage(ByteBuffer message) {
    receivedMessages++;
    receivedBytes += message.remaining();
    received.update(message);
    if (receivedBytes == expectedBytes) {
      allReceived.complete(received.digest());
    }
  }

  @Override
  public void onWritable() {
    writableSignals.incrementAndGet();
    writable.release();
  }

  @Override
  public void onClosed(String reason) {
    closed.complete(reason);
  }

  /**
   * Sends {@code total} seeded random bytes in 64 KiB messages, waiting for writability like a well-behaved
   * bridge; returns their SHA-256.
   */
  byte[] sendRandom(MessageChannel channel, long total, long seed) throws InterruptedException {
    MessageDigest digest = sha256();
    Random random = new Random(seed);
    byte[] chunk = new byte[MessageChannel.MAX_MESSAGE_LENGTH];
    for (long sent = 0; sent < total; ) {
      int n = (int) Math.min(chunk.length, total - sent);
      random.nextBytes(chunk);
      digest.update(chunk, 0, n);
      while (!channel.isWritable()) {
        if (!channel.isOpen()) {
          throw new IllegalStateException("channel closed after " + sent + " bytes");
        }
        writable.tryAcquire(100, TimeUnit.MILLISECONDS);
      }
      if (!channel.send(ByteBuffer.wrap(chunk, 0, n))) {
        throw new IllegalStateException("send refused after " + sent + " bytes");
      }
      sent += n;
    }
    return digest.digest();
  }

  /** Sends {@code total} bytes of one reused 64 KiB buffer, waiting for writability; for throughput runs. */
  void sendRandomFast(MessageChannel channel, long total) throws InterruptedException {
    ByteBuffer chunk = ByteBuffer.allocateDirect(MessageChannel.MAX_MESSAGE_LENGTH);
    new Random(7).ints(chunk.capacity()).forEach(i -> chunk.put((byte) i));
    for (long sent = 0; sent < total; ) {
      int n = (int) Math.min(chunk.capacity(), total - sent);
      while (!channel.isWritable()) {
        if (!channel.isOpen()) {
          throw new IllegalStateException("channel closed after " + sent + " bytes");
        }
        writable.tryAcquire(100, TimeUnit.MILLISECONDS);
      }
      channel.send(chunk.duplicate().position(0).limit(n));
      sent += n;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}

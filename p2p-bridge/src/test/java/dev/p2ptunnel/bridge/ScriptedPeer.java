package dev.p2ptunnel.bridge;

import dev.p2ptunnel.protocol.DecodedFrame;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The far end of a channel driven by the test frame by frame: an original peer, or a hostile one. */
final class ScriptedPeer implements MessageChannel.Listener {
  final MessageChannel channel;
  final BlockingQueue<DecodedFrame> received = new LinkedBlockingQueue<>();
  volatile String closedReason;

  ScriptedPeer(MessageChannel channel) {
    this.channel = channel;
    channel.start(this);
  }

  void send(ByteBuffer frame) {
    channel.send(frame);
  }

  void send(int event, int socketId, int chunkId, byte[] payload) {
    send(Frame.encode(event, socketId, chunkId, 0, 1, ByteBuffer.wrap(payload)));
  }

  /** The next received frame that matches, skipping others; fails after the timeout. */
  DecodedFrame await(Predicate<DecodedFrame> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      DecodedFrame frame = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (frame == null) {
        throw new AssertionError("no matching frame within " + timeout);
      }
      if (match.test(frame)) {
        return frame;
      }
    }
  }

  @Override
  public void onMessage(ByteBuffer message) {
    try {
      received.add(Frame.decode(message));
    } catch (ProtocolException e) {
      throw new AssertionError("bridge sent a malformed frame: " + e.getMessage());
    }
  }

  @Override
  public void onWritable() {}

  @Override
  public void onClosed(String reason) {
    closedReason = reason;
  }
}

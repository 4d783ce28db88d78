package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Chunker;
import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The one way out to the peer: every frame the engine sends passes here, which frames it (chunk ids through the
 * {@link Chunker}), hands it to the channel through the {@link Coalescer} (one frame per message, or with coalescing
 * negotiated, the frames of one turn together: {@link #flush} at the end of each turn), counts it, and notices when
 * the channel stops being writable. DATA is read straight into {@link #payloadBuffer} behind a reserved header and sent
 * from there (the channel copies what it sends).
 *
 * <p>Writability: {@link #writable()} turns false as soon as a send leaves the channel above its high watermark, and
 * true again on the channel's signal ({@link #markWritable()}) or, in case a signal was missed, when polled
 * ({@link #pollWritable}) after {@link #BLOCKED_POLL_NANOS}. Loop thread only.
 */
final class Outbound {
  /** While blocked, poll the channel's writability this often, in case a signal was missed. */
  static final long BLOCKED_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final MessageChannel channel;
  private final Counters counters;
  private final Ticker ticker;
  private final Chunker chunker = new Chunker();
  private final Coalescer coalescer;
  private final ByteBuffer eventFrame = ByteBuffer.allocate(Frame.HEADER_LENGTH);
  private boolean writable = true;
  private long blockedSinceNanos;

  /** @param maxCoalescedBytes the longest coalesced message this bridge may send (0: none) */
  Outbound(MessageChannel channel, Counters counters, Ticker ticker, int maxCoalescedBytes) {
    this.channel = channel;
    this.counters = counters;
    this.ticker = ticker;
    this.coalescer = new Coalescer(channel, counters, maxCoalescedBytes);
  }

  /**
   * The peer splits coalesced messages: from now on the frames of one turn share messages of up to
   * {@code maxMessageBytes}, within what the channel carries. Nothing changes for {@code maxMessageBytes} 0.
   */
  void coalesce(int maxMessageBytes) {
    if (maxMessageBytes > 0) {
      coalescer.coalesce(Math.min(maxMessageBytes, channel.maxMessageLength()));
    }
  }

  /**
   * The buffer to read a DATA payload of at most {@code maxPayload} bytes into: positioned after the header, its
   * remaining bytes the room for this frame (fewer than {@code maxPayload} when a coalesced message is nearly full).
   */
  ByteBuffer payloadBuffer(int maxPayload) {
    return coalescer.reserve(maxPayload);
  }

  /** Sends the {@code length} bytes just read into {@link #payloadBuffer} as one DATA message of {@code stream}. */
  void sendData(Stream stream, int length) {
    chunker.writeSingleFrameHeader(coalescer.buffer(), coalescer.frameStart(), Frame.EVENT_DATA, stream.id, length);
    stream.bytes.toPeer += length;
    counters.bytesToPeer += length;
    sent(coalescer.commit(length));
  }

  /** Sends an empty CONNECT or CLOSE message, taking the socket's next chunk id. */
  void sendEvent(int event, int socketId) {
    chunker.writeSingleFrameHeader(eventFrame, 0, event, socketId, 0);
    eventFrame.clear();
    sent(coalescer.append(eventFrame));
  }

  /** Sends an extension frame, already encoded (they take no chunk id). */
  void sendExtension(ByteBuffer frame) {
    sent(coalescer.append(frame));
  }

  /** The loop's turn ends: the coalesced message goes out with whatever it holds. */
  void flush() {
    sent(coalescer.flush());
  }

  /** The socket id is free again: its next life starts at chunk id 0. */
  void resetChunkIds(int socketId) {
    chunker.reset(socketId);
  }

  /** Whether the channel takes more now. */
  boolean writable() {
    return writable;
  }

  /**
   * The channel signalled that it drained.
   *
   * @return whether this ends a blocked period (the caller lets waiting sockets read again)
   */
  boolean markWritable() {
    if (writable) {
      return false;
    }
    writable = true;
    return true;
  }

  /** While blocked, asks the channel itself once {@link #BLOCKED_POLL_NANOS} have passed; as {@link #markWritable}. */
  boolean pollWritable(long nowNanos) {
    return !writable && nowNanos - blockedSinceNanos >= BLOCKED_POLL_NANOS && channel.isWritable()
        && markWritable();
  }

  /** When {@link #pollWritable} next has something to check, or {@code Long.MAX_VALUE}. */
  long pollDeadlineNanos() {
    return writable ? Long.MAX_VALUE : blockedSinceNanos + BLOCKED_POLL_NANOS;
  }

  /** Closes the channel; its {@code onClosed} follows on its own thread. */
  void closeChannel(String reason) {
    channel.close(reason);
  }

  /** After a send (or none): notes a channel that stopped being writable. A closed channel's close follows. */
  private void sent(boolean open) {
    if (open && writable && !channel.isWritable()) {
      writable = false;
      blockedSinceNanos = ticker.nanoTime();
    }
  }
}

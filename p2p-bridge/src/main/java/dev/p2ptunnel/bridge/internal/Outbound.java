package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Chunker;
import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The one way out to the peer: every frame the engine sends passes here, which frames it (chunk ids through the
 * {@link Chunker}), hands it to the channel through the {@link Coalescer} (one frame per message, or with coalescing
 * negotiated, the frames of one turn together: {@link #flush} at the end of each turn), counts it, and notices when
 * the channel stops being writable. DATA is read straight into {@link #payloadBuffer} behind a reserved header and sent
 * from there (the channel copies what it sends).
 *
 * <p>Writability: {@link #writable()} turns false as soon as a send leaves the channel above its high watermark, and
 * true again on the channel's signal ({@link #markWritable()}) or, in case a signal was missed, when polled
 * ({@link #pollWritable}) after {@link #BLOCKED_POLL_NANOS}.
 *
 * <p>The channel can be replaced ({@link #attach}) or taken away ({@link #detach}: nothing is writable, sends are
 * dropped) when a bridge survives its channel (resume extension). Each <em>frame</em> sent on the current channel gets
 * the next sequence number ({@link #sentOnChannel()}), and the {@link Sent} observer hears of it. With coalescing a
 * channel message carries several frames, and the peer counts each frame it handles as one message (docs/PROTOCOL.md,
 * "Coalescing": each frame is handled as if it were a message of its own), so both sides count frames; without
 * coalescing a frame is a message, as the resume extension alone defines it. A frame held in a coalesced message that
 * the channel then drops has its number already: the peer's count of what it handled (RESUME_END) is below it, so it
 * is sent again like any frame lost with the channel. Retransmitted DATA ({@link #resendData}) goes through the
 * coalescer like new DATA. A replaced channel starts without coalescing (its HELLO goes alone) until its negotiation
 * says otherwise ({@link #coalesce}). Loop thread only.
 */
final class Outbound {
  /**
   * Most bytes of held frames that {@link #flushAheadOfBulk} sends as a message of their own: requests, replies,
   * keystrokes, control frames.
   */
  static final int AHEAD_OF_BULK_BYTES = 8 * 1024;
  /** While blocked, poll the channel's writability this often, in case a signal was missed. */
  static final long BLOCKED_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** Hears of every frame that went to the channel (resume: what may need sending again). Loop thread. */
  interface Sent {
    /** DATA of {@code stream}: {@code length} payload bytes at {@code index} of {@code frame} (valid during the call). */
    void data(Stream stream, ByteBuffer frame, int index, int length);

    /**
     * Any frame, DATA included, was the {@code seq}th on the current channel, or {@link Long#MAX_VALUE} if the
     * channel dropped it (closing, or none attached): it never reaches the peer.
     */
    void message(int event, int socketId, long seq);
  }

  /** What {@link #detach} leaves: a channel that takes nothing. */
  private static final MessageChannel DETACHED = new MessageChannel() {
    @Override
    public void start(Listener listener) {}

    @Override
    public boolean send(ByteBuffer message) {
      return false;
    }

    @Override
    public boolean isWritable() {
      return false;
    }

    @Override
    public long bufferedAmount() {
      return 0;
    }

    @Override
    public boolean isOpen() {
      return false;
    }

    @Override
    public void close(String reason) {}
  };

  private MessageChannel channel;
  private final Counters counters;
  private final Ticker ticker;
  private final Chunker chunker = new Chunker();
  private final Coalescer coalescer;
  private final ByteBuffer eventFrame = ByteBuffer.allocate(Frame.HEADER_LENGTH);
  private boolean writable = true;
  private long blockedSinceNanos;
  private long sentOnChannel;
  private @Nullable Sent sent;

  /** @param maxCoalescedBytes the longest coalesced message this bridge may send (0: none) */
  Outbound(MessageChannel channel, Counters counters, Ticker ticker, int maxCoalescedBytes) {
    this.channel = channel;
    this.counters = counters;
    this.ticker = ticker;
    this.coalescer = new Coalescer(channel, counters, maxCoalescedBytes);
  }

  /** Who hears of every frame sent from now on. */
  void observe(Sent observer) {
    this.sent = observer;
  }

  /**
   * Sends go to {@code next} from now on; it starts writable, one frame per message (until {@link #coalesce}), and
   * its frames are numbered from 1. Frames still held for the previous channel are dropped.
   */
  void attach(MessageChannel next) {
    channel = next;
    coalescer.attach(next);
    writable = true;
    sentOnChannel = 0;
  }

  /** The channel is gone: nothing is writable and sends are dropped until {@link #attach}. */
  void detach() {
    channel = DETACHED;
    coalescer.attach(DETACHED);
    writable = false;
    blockedSinceNanos = ticker.nanoTime();
  }

  /** Whether a channel is attached. */
  boolean attached() {
    return channel != DETACHED;
  }

  /** Frames sent on the current channel so far: the sequence number of the last one. */
  long sentOnChannel() {
    return sentOnChannel;
  }

  /** The channel's queued bytes now (0 when detached). */
  long bufferedAmount() {
    return channel.bufferedAmount();
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

  /**
   * Sends the {@code length} bytes just read into {@link #payloadBuffer} as one DATA frame of {@code stream}. They
   * count as sent even if the channel dropped them (it is closing): the resume extension sends them again over the
   * next channel; without it, the bridge closes anyway.
   */
  void sendData(Stream stream, int length) {
    ByteBuffer buffer = coalescer.buffer();
    int start = coalescer.frameStart();
    chunker.writeSingleFrameHeader(buffer, start, Frame.EVENT_DATA, stream.id, length);
    stream.bytes.toPeer += length;
    counters.bytesToPeer += length;
    Sent observer = sent;
    if (observer != null) {
      observer.data(stream, buffer, start + Frame.HEADER_LENGTH, length); // before commit: a send may reuse the buffer
    }
    sent(Frame.EVENT_DATA, stream.id, coalescer.commit(length));
  }

  /**
   * Sends DATA bytes again (resume): up to one frame's payload from {@code log} at stream offset {@code from}, as a
   * DATA frame of {@code socketId}, through the coalescer like new DATA; not counted as new application bytes.
   *
   * @return the bytes sent, 0 if the channel dropped the message
   */
  int resendData(int socketId, SendLog log, long from) {
    ByteBuffer room = coalescer.reserve(Frame.MAX_PAYLOAD_LENGTH);
    int start = coalescer.frameStart();
    int length = log.copy(from, room, Frame.MAX_PAYLOAD_LENGTH);
    chunker.writeSingleFrameHeader(coalescer.buffer(), start, Frame.EVENT_DATA, socketId, length);
    return sent(Frame.EVENT_DATA, socketId, coalescer.commit(length)) ? length : 0;
  }

  /** Sends an empty CONNECT or CLOSE message, taking the socket's next chunk id. */
  void sendEvent(int event, int socketId) {
    chunker.writeSingleFrameHeader(eventFrame, 0, event, socketId, 0);
    eventFrame.clear();
    sent(event, socketId, coalescer.append(eventFrame));
  }

  /** Sends a CONNECT (or CLOSE) with a payload (a CONNECT's service id), taking the socket's next chunk id. */
  void sendEvent(int event, int socketId, ByteBuffer payload) {
    ByteBuffer frame = ByteBuffer.allocate(Frame.HEADER_LENGTH + payload.remaining());
    chunker.writeSingleFrameHeader(frame, 0, event, socketId, payload.remaining());
    frame.put(Frame.HEADER_LENGTH, payload, payload.position(), payload.remaining());
    sent(event, socketId, coalescer.append(frame));
  }

  /** Sends an extension frame, already encoded (they take no chunk id). */
  void sendExtension(ByteBuffer frame) {
    int event = Frame.event(frame);
    int socketId = Frame.socketId(frame);
    sent(event, socketId, coalescer.append(frame));
  }

  /** The loop's turn ends: the coalesced message goes out with whatever it holds. */
  void flush() {
    noteWritability(coalescer.flush());
  }

  /**
   * A bulk socket is about to read: small frames held so far (at most {@link #AHEAD_OF_BULK_BYTES}) go out now, in a
   * message of their own. A receiver delivers a message only once all of it has arrived, so a reply sharing a 64 KiB
   * message with bulk data would wait for the whole of it on the wire (2–3 ms at 20–30 MB/s). Larger held data
   * (already bulk-sized) keeps sharing, as does everything without coalescing (each frame is sent at once anyway).
   */
  void flushAheadOfBulk() {
    int held = coalescer.heldBytes();
    if (held > 0 && held <= AHEAD_OF_BULK_BYTES) {
      flush();
    }
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
    return writable || channel == DETACHED ? Long.MAX_VALUE : blockedSinceNanos + BLOCKED_POLL_NANOS;
  }

  /** Closes the channel; its {@code onClosed} follows on its own thread. */
  void closeChannel(String reason) {
    channel.close(reason);
  }

  /**
   * After a frame went to the coalescer: numbers it (or reports it dropped) and notes a channel that stopped being
   * writable. A closed channel's close follows.
   *
   * @param open false if a send found the channel closed: this frame never reaches the peer
   * @return {@code open}
   */
  private boolean sent(int event, int socketId, boolean open) {
    Sent observer = sent;
    if (!open) {
      if (observer != null) {
        observer.message(event, socketId, Long.MAX_VALUE);
      }
      return false;
    }
    sentOnChannel++;
    if (observer != null) {
      observer.message(event, socketId, sentOnChannel);
    }
    noteWritability(true);
    return true;
  }

  private void noteWritability(boolean open) {
    if (open && writable && !channel.isWritable()) {
      writable = false;
      blockedSinceNanos = ticker.nanoTime();
    }
  }
}

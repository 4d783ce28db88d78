package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Chunker;
import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The one way out to the peer: every frame the engine sends passes here, which frames it (chunk ids through the
 * {@link Chunker}), hands it to the channel, counts it, and notices when the channel stops being writable. DATA is
 * read straight into {@link #payloadBuffer} behind a reserved header and sent from there, so one buffer serves every
 * DATA frame (the channel copies what it sends).
 *
 * <p>Writability: {@link #writable()} turns false as soon as a send leaves the channel above its high watermark, and
 * true again on the channel's signal ({@link #markWritable()}) or, in case a signal was missed, when polled
 * ({@link #pollWritable}) after {@link #BLOCKED_POLL_NANOS}.
 *
 * <p>The channel can be replaced ({@link #attach}) or taken away ({@link #detach}: nothing is writable, sends are
 * dropped) when a bridge survives its channel (resume extension). Each message sent on the current channel gets the
 * next sequence number ({@link #sentOnChannel()}), and the {@link Sent} observer hears of it. Loop thread only.
 */
final class Outbound {
  /** While blocked, poll the channel's writability this often, in case a signal was missed. */
  static final long BLOCKED_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** Hears of every message that went to the channel (resume: what may need sending again). Loop thread. */
  interface Sent {
    /** DATA of {@code stream}: {@code length} payload bytes at {@code index} of {@code frame} (valid during the call). */
    void data(Stream stream, ByteBuffer frame, int index, int length);

    /**
     * Any message, DATA included, was the {@code seq}th on the current channel, or {@link Long#MAX_VALUE} if the
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
  private final ByteBuffer dataFrame = ByteBuffer.allocate(Frame.MAX_FRAME_LENGTH);
  private final ByteBuffer eventFrame = ByteBuffer.allocate(Frame.HEADER_LENGTH);
  private boolean writable = true;
  private long blockedSinceNanos;
  private long sentOnChannel;
  private @Nullable Sent sent;

  Outbound(MessageChannel channel, Counters counters, Ticker ticker) {
    this.channel = channel;
    this.counters = counters;
    this.ticker = ticker;
  }

  /** Who hears of every message sent from now on. */
  void observe(Sent observer) {
    this.sent = observer;
  }

  /** Sends go to {@code next} from now on; it starts writable, and its messages are numbered from 1. */
  void attach(MessageChannel next) {
    channel = next;
    writable = true;
    sentOnChannel = 0;
  }

  /** The channel is gone: nothing is writable and sends are dropped until {@link #attach}. */
  void detach() {
    channel = DETACHED;
    writable = false;
    blockedSinceNanos = ticker.nanoTime();
  }

  /** Whether a channel is attached. */
  boolean attached() {
    return channel != DETACHED;
  }

  /** Messages sent on the current channel so far: the sequence number of the last one. */
  long sentOnChannel() {
    return sentOnChannel;
  }

  /** The channel's queued bytes now (0 when detached). */
  long bufferedAmount() {
    return channel.bufferedAmount();
  }

  /** The buffer to read a DATA payload of at most {@code maxPayload} bytes into: positioned after the header. */
  ByteBuffer payloadBuffer(int maxPayload) {
    dataFrame.limit(Frame.HEADER_LENGTH + maxPayload).position(Frame.HEADER_LENGTH);
    return dataFrame;
  }

  /**
   * Sends the {@code length} bytes just read into {@link #payloadBuffer} as one DATA message of {@code stream}. They
   * count as sent even if the channel dropped them (it is closing): the resume extension sends them again over the
   * next channel; without it, the bridge closes anyway.
   */
  void sendData(Stream stream, int length) {
    chunker.writeSingleFrameHeader(dataFrame, 0, Frame.EVENT_DATA, stream.id, length);
    dataFrame.limit(Frame.HEADER_LENGTH + length).position(0);
    send(dataFrame);
    stream.bytes.toPeer += length;
    counters.bytesToPeer += length;
    Sent observer = sent;
    if (observer != null) {
      observer.data(stream, dataFrame, Frame.HEADER_LENGTH, length);
    }
  }

  /**
   * Sends DATA bytes again (resume): up to one frame's payload from {@code log} at stream offset {@code from}, as a
   * DATA message of {@code socketId}; not counted as new application bytes.
   *
   * @return the bytes sent, 0 if the channel dropped the message
   */
  int resendData(int socketId, SendLog log, long from) {
    dataFrame.clear().position(Frame.HEADER_LENGTH);
    int length = log.copy(from, dataFrame, Frame.MAX_PAYLOAD_LENGTH);
    chunker.writeSingleFrameHeader(dataFrame, 0, Frame.EVENT_DATA, socketId, length);
    dataFrame.limit(Frame.HEADER_LENGTH + length).position(0);
    return send(dataFrame) ? length : 0;
  }

  /** Sends an empty CONNECT or CLOSE message, taking the socket's next chunk id. */
  void sendEvent(int event, int socketId) {
    chunker.writeSingleFrameHeader(eventFrame, 0, event, socketId, 0);
    eventFrame.clear();
    send(eventFrame);
  }

  /** Sends an extension frame, already encoded (they take no chunk id). */
  void sendExtension(ByteBuffer frame) {
    send(frame);
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

  private boolean send(ByteBuffer message) {
    if (!channel.send(message)) {
      Sent observer = sent;
      if (observer != null) {
        observer.message(Frame.event(message), Frame.socketId(message), Long.MAX_VALUE);
      }
      return false; // closed: the ChannelClosed command follows
    }
    counters.messagesToPeer++;
    sentOnChannel++;
    Sent observer = sent;
    if (observer != null) {
      observer.message(Frame.event(message), Frame.socketId(message), sentOnChannel);
    }
    if (writable && !channel.isWritable()) {
      writable = false;
      blockedSinceNanos = ticker.nanoTime();
    }
    return true;
  }
}

package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;

/**
 * The channel message being filled: {@link Outbound}'s frames go out through here. Without coalescing every frame is
 * a message of its own, sent at once, byte-exact as the original app sends it. With coalescing (negotiated, docs/
 * PROTOCOL.md "Coalescing"), frames are appended back to back and the message goes out when the next frame would not
 * fit, or when the loop's turn ends ({@link #flush}): whatever is ready in one turn shares messages, and nothing waits
 * for more (no Nagle delay).
 *
 * <p>DATA is read straight into the message: {@link #reserve} hands out the room behind a reserved header, the caller
 * reads into it, writes the header at {@link #frameStart()} and {@link #commit}s. The buffer is direct, so that
 * neither the socket read nor the channel's send goes through a temporary copy. Loop thread only.
 */
final class Coalescer {
  /**
   * Least payload room a read gets in a message that already holds frames; with less left, the message goes out first.
   * Keeps a bulk socket from being cut into small frames at the end of each message.
   */
  static final int MIN_READ_ROOM = 4_096;

  private MessageChannel channel;
  private final Counters counters;
  private final ByteBuffer buffer;
  private int maxMessage = Frame.MAX_FRAME_LENGTH;
  private boolean coalescing;
  private int used;
  private int frames;
  private int reserved = -1;

  /** @param capacity the longest coalesced message this bridge may ever send (its configured maximum, or less) */
  Coalescer(MessageChannel channel, Counters counters, int capacity) {
    this.channel = channel;
    this.counters = counters;
    this.buffer = ByteBuffer.allocateDirect(Math.max(Frame.MAX_FRAME_LENGTH, capacity));
  }

  /**
   * A new channel replaces the current one (resume extension): what is held for the old one is dropped (the resume
   * lists say what to send again), and the new channel starts with one frame per message, as a first channel does,
   * until {@link #coalesce} (its HELLO must go alone).
   */
  void attach(MessageChannel next) {
    channel = next;
    reserved = -1;
    used = 0;
    frames = 0;
    coalescing = false;
    maxMessage = Frame.MAX_FRAME_LENGTH;
  }

  /**
   * From now on, frames share messages of up to {@code maxMessageBytes} (at most the buffer's capacity, at least one
   * frame). Called once the peer is known to split them; nothing is held when it is.
   */
  void coalesce(int maxMessageBytes) {
    if (used != 0) {
      throw new IllegalStateException("coalesce: " + used + " bytes held (expected: none)");
    }
    coalescing = true;
    maxMessage = Math.max(Frame.MAX_FRAME_LENGTH, Math.min(maxMessageBytes, buffer.capacity()));
  }

  boolean coalescing() {
    return coalescing;
  }

  /** The longest message it sends now. */
  int maxMessage() {
    return maxMessage;
  }

  /**
   * Room for one DATA frame of at most {@code maxPayload} bytes: the buffer, positioned behind a reserved header, its
   * remaining bytes the room (at least 1, at most {@code maxPayload}). Sends the message first if it holds frames and
   * the room left would be small.
   *
   * @return the buffer to read the payload into; valid until the next call on this object
   */
  ByteBuffer reserve(int maxPayload) {
    int room = maxMessage - used - Frame.HEADER_LENGTH;
    if (used > 0 && room < Math.min(maxPayload, MIN_READ_ROOM)) {
      flush();
      room = maxMessage - Frame.HEADER_LENGTH;
    }
    reserved = used;
    int start = used + Frame.HEADER_LENGTH;
    buffer.limit(start + Math.min(maxPayload, room)).position(start);
    return buffer;
  }

  /** Where the header of the reserved frame goes (absolute index in {@link #buffer()}). */
  int frameStart() {
    if (reserved < 0) {
      throw new IllegalStateException("frameStart: nothing reserved");
    }
    return reserved;
  }

  /** The buffer frames are written to. */
  ByteBuffer buffer() {
    return buffer;
  }

  /**
   * The reserved frame holds {@code payloadLength} bytes and its header is written: it joins the message (without
   * coalescing: goes out now).
   *
   * @return false if it was sent and the channel was closed
   */
  boolean commit(int payloadLength) {
    int start = frameStart();
    reserved = -1;
    used = start + Frame.HEADER_LENGTH + payloadLength;
    frames++;
    return !coalescing || used + Frame.HEADER_LENGTH >= maxMessage ? flush() : true;
  }

  /**
   * Adds a frame already encoded (its remaining bytes, not moved): sent at once without coalescing, else appended,
   * after sending the message first if the frame does not fit.
   *
   * @return false if a send found the channel closed
   */
  boolean append(ByteBuffer frame) {
    reserved = -1;
    int length = frame.remaining();
    if (!coalescing) {
      boolean sent = send(frame);
      return sent;
    }
    boolean open = true;
    if (used + length > maxMessage) {
      open = flush();
    }
    buffer.limit(buffer.capacity()).put(used, frame, frame.position(), length);
    used += length;
    frames++;
    return open;
  }

  /** Frames waiting in the message being filled. */
  int heldFrames() {
    return frames;
  }

  /** Bytes waiting in the message being filled. */
  int heldBytes() {
    return used;
  }

  /**
   * Sends the message being filled, if it holds anything.
   *
   * @return false if the channel was closed (the frames are dropped; the channel's close follows)
   */
  boolean flush() {
    reserved = -1;
    if (used == 0) {
      return true;
    }
    buffer.limit(used).position(0);
    used = 0;
    frames = 0;
    return send(buffer);
  }

  private boolean send(ByteBuffer message) {
    if (!channel.send(message)) {
      return false; // closed: the ChannelClosed command follows
    }
    counters.messagesToPeer++;
    return true;
  }
}

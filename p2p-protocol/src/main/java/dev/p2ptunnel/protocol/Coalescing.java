package dev.p2ptunnel.protocol;

import java.nio.ByteBuffer;

/**
 * Coalesced messages, our extension {@link Extensions#FEATURE_COALESCE}: several complete frames back to back in one
 * channel message, each with its own 11-byte header, so that many small frames cost one message of the channel
 * instead of one each. Nothing else is added: the receiver finds each frame's end from its {@code payload_size}.
 *
 * <pre>
 * +--------------------------------+--------------------------------+-----+--------------------------------+
 * | header 1 | payload_size 1 bytes | header 2 | payload_size 2 bytes | ... | header n | payload_size n bytes |
 * +--------------------------------+--------------------------------+-----+--------------------------------+
 * </pre>
 *
 * <p>Splitting ({@link #split}): a frame starts where the one before it ended (the first at the message's start) and
 * ends {@value Frame#HEADER_LENGTH} + {@code payload_size} bytes later, or at the end of the message if that comes
 * first. The extent is decided by {@code payload_size} alone, before any other field is looked at, so a frame that
 * breaks another rule (an unknown socket, {@code total_chunks} 0, a payload above the maximum) is still delimited and
 * the frames after it are read as usual: its error concerns its own socket only. A frame cut short by the end of the
 * message (fewer than {@value Frame#HEADER_LENGTH} bytes left, or a {@code payload_size} reaching past the end) is
 * the last frame by construction, so no frame after it is lost. Each frame, well-formed or not, goes to the consumer,
 * whose validation ({@link Frame#validate}, as in {@link Reassembler#accept}) reports what is wrong with it; in those
 * messages "message length" is then the bytes from the frame's first byte to the end of the message.
 *
 * <p>Stateless and thread-safe. See docs/PROTOCOL.md, "Coalescing".
 */
public final class Coalescing {
  /** Receives the frames of a coalesced message, in order. */
  @FunctionalInterface
  public interface FrameConsumer {
    /**
     * One frame, between the buffer's position and limit: a view of the caller's message, valid only during the call.
     * The consumer may move the position (as {@link Reassembler#accept} does), never the limit.
     */
    void frame(ByteBuffer frame);
  }

  private Coalescing() {}

  /**
   * Where the frame that starts at absolute index {@code start} of {@code message} ends (exclusive): start + 11 +
   * {@code payload_size}, or the message's limit if that comes first (a cut-short frame, necessarily the last).
   *
   * @throws IllegalArgumentException if {@code start} is not within {@code [position, limit)} of the message
   */
  public static int frameEnd(ByteBuffer message, int start) {
    int end = message.limit();
    if (start < message.position() || start >= end) {
      throw Frame.badArgument("start", start, message.position() + ".." + (end - 1));
    }
    if (end - start < Frame.HEADER_LENGTH) {
      return end;
    }
    long frameEnd = (long) start + Frame.HEADER_LENGTH + Frame.getU16(message, start + Frame.PAYLOAD_SIZE_OFFSET);
    return (int) Math.min(frameEnd, end);
  }

  /**
   * Hands each frame of the coalesced message (the buffer's remaining bytes) to {@code consumer}, in order, as a view
   * of {@code message} (no copy, no allocation). An empty message is handed over as one empty frame, so that the
   * consumer's validation reports it as truncated: every message holds at least one frame. When this returns, the
   * message's position is at its limit and its limit is unchanged.
   *
   * @return how many frames were handed over
   */
  public static int split(ByteBuffer message, FrameConsumer consumer) {
    int end = message.limit();
    int start = message.position();
    int frames = 0;
    try {
      if (start == end) {
        consumer.frame(message);
        return 1;
      }
      while (start < end) {
        message.limit(end).position(start);
        int frameEnd = frameEnd(message, start);
        message.limit(frameEnd);
        consumer.frame(message);
        frames++;
        start = frameEnd;
      }
      return frames;
    } finally {
      message.limit(end).position(end);
    }
  }
}

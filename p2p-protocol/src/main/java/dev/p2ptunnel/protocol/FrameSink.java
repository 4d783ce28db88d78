package dev.p2ptunnel.protocol;

import java.nio.ByteBuffer;

/**
 * Receives the frames of one message from {@link Chunker#writeFrames} as a header and a payload slice, so that a
 * transport can gather them into one message without an intermediate copy.
 *
 * <p>Called on the thread that called {@code writeFrames}, once per frame, in {@code chunk_index} order. Both
 * buffers are valid only during the call: {@code header} is reused for the next frame and {@code payload} is a
 * view of the caller's buffer. The sink may consume them (move their positions).
 */
@FunctionalInterface
public interface FrameSink {
  /**
   * @param header the {@value Frame#HEADER_LENGTH}-byte header, position 0, limit {@value Frame#HEADER_LENGTH}
   * @param payload the frame's payload, {@code payload_size} bytes remaining
   */
  void frame(ByteBuffer header, ByteBuffer payload);
}

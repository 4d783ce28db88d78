package dev.p2ptunnel.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Turns the messages a side sends into frames: each message (CONNECT, DATA, CLOSE, …) of a logical socket takes
 * that socket's next {@code chunk_id} (wrapping 65 535 → 0) and is split into {@code ceil(length / 65 525)}
 * frames, at least one.
 *
 * <p>Three ways to emit, from cheapest to most convenient:
 * <ul>
 *   <li>in place: reserve {@value Frame#HEADER_LENGTH} bytes before a payload of at most
 *       {@value Frame#MAX_PAYLOAD_LENGTH} bytes, then {@link #writeSingleFrameHeader} — no copy at all;
 *   <li>{@link #writeFrames}: header + payload slice per frame, handed to a {@link FrameSink} — no copy;
 *   <li>{@link #encode}: each frame in its own exact-size buffer — the payload is copied exactly once.
 * </ul>
 *
 * <p>Not thread-safe: one thread (the bridge's loop) owns a chunker and its per-socket counters.
 */
public final class Chunker {
  /** Largest message payload: {@value Frame#MAX_TOTAL_CHUNKS} full frames. */
  public static final long MAX_MESSAGE_LENGTH = (long) Frame.MAX_TOTAL_CHUNKS * Frame.MAX_PAYLOAD_LENGTH;

  /** Next chunk_id per socket id; char is the JDK's unsigned 16-bit type, so wrapping is free. */
  private final char[] nextChunkId = new char[Frame.MAX_U16 + 1];
  private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_LENGTH);

  /** A chunker whose sockets all start at chunk_id 0. */
  public Chunker() {}

  /** Number of frames a message of {@code length} payload bytes takes. */
  public static int chunkCount(long length) {
    if (length < 0 || length > MAX_MESSAGE_LENGTH) {
      throw Frame.badArgument("length", length, "0.." + MAX_MESSAGE_LENGTH + ", i.e. at most "
          + Frame.MAX_TOTAL_CHUNKS + " chunks");
    }
    return length == 0 ? 1 : (int) ((length + Frame.MAX_PAYLOAD_LENGTH - 1) / Frame.MAX_PAYLOAD_LENGTH);
  }

  /** Takes the socket's next {@code chunk_id}: each message of a socket calls this exactly once. */
  public int takeChunkId(int socketId) {
    Frame.checkU16("socketId", socketId);
    return nextChunkId[socketId]++;
  }

  /** Restarts the socket's {@code chunk_id}s at 0, for when its id is freed and may be used again. */
  public void reset(int socketId) {
    Frame.checkU16("socketId", socketId);
    nextChunkId[socketId] = 0;
  }

  /**
   * Writes the header of a single-frame message in place at absolute {@code index}, taking the socket's next
   * chunk id; the payload of {@code payloadSize} bytes must follow the header in the same buffer.
   *
   * @return the chunk id used
   */
  public int writeSingleFrameHeader(ByteBuffer frame, int index, int event, int socketId, int payloadSize) {
    int chunkId = takeChunkId(socketId);
    Frame.writeHeader(frame, index, event, socketId, chunkId, 0, 1, payloadSize);
    return chunkId;
  }

  /**
   * Splits one message into frames and hands each to {@code sink} as header + payload; nothing is copied and
   * nothing is allocated. The payload passed to the sink is {@code payload} itself, narrowed to the frame's bytes;
   * when this returns, {@code payload}'s position and limit are as they were.
   *
   * @return the number of frames written
   */
  public int writeFrames(int event, int socketId, ByteBuffer payload, FrameSink sink) {
    Objects.requireNonNull(sink, "sink");
    int start = payload.position();
    int end = payload.limit();
    int length = end - start;
    int total = chunkCount(length);
    int chunkId = takeChunkId(socketId);
    try {
      for (int index = 0, offset = start; index < total; index++) {
        int size = Math.min(Frame.MAX_PAYLOAD_LENGTH, end - offset);
        Frame.writeHeader(header, 0, event, socketId, chunkId, index, total, size);
        header.clear();
        payload.limit(offset + size).position(offset);
        sink.frame(header, payload);
        offset += size;
      }
    } finally {
      payload.limit(end).position(start);
    }
    return total;
  }

  /**
   * Splits one message into frames, each a new buffer of exactly its length; the payload is copied once and its
   * position does not move.
   */
  public ByteBuffer[] encode(int event, int socketId, ByteBuffer payload) {
    int length = payload.remaining();
    int total = chunkCount(length);
    int chunkId = takeChunkId(socketId);
    ByteBuffer[] frames = new ByteBuffer[total];
    int offset = payload.position();
    for (int index = 0; index < total; index++) {
      int size = Math.min(Frame.MAX_PAYLOAD_LENGTH, length - index * Frame.MAX_PAYLOAD_LENGTH);
      ByteBuffer frame = ByteBuffer.allocate(Frame.HEADER_LENGTH + size);
      Frame.writeHeader(frame, 0, event, socketId, chunkId, index, total, size);
      frame.put(Frame.HEADER_LENGTH, payload, offset, size);
      frames[index] = frame;
      offset += size;
    }
    return frames;
  }
}

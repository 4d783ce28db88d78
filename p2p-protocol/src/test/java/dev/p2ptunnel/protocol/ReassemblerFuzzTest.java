package dev.p2ptunnel.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Fuzzes {@link Frame#decode} and {@link Reassembler#accept} with a mix of raw bytes and near-valid frames. Any
 * exception other than {@link ProtocolException} from decode, any exception at all from the reassembler (which
 * reports errors, never throws them), or memory held beyond the limits is a finding.
 *
 * <p>{@code mvn test} fuzzes for a few seconds (JAZZER_FUZZ is set by the POM); {@link ReassemblerFuzzStressTest}
 * fuzzes the same target for minutes in the stress profile, and docs/PROTOCOL.md gives the command for an hour.
 */
class ReassemblerFuzzTest {
  private static final Reassembler.Limits LIMITS = Reassembler.Limits.builder().maxPartialMessages(4, 8)
      .maxBufferedBytes(300_000, 500_000).build();

  @FuzzTest(maxDuration = "5s")
  void decodeAndReassembleNeverFailsOtherwise(FuzzedDataProvider data) {
    fuzzerTestOneInput(data);
  }

  /** Entry point for Jazzer's command line (the long run). */
  public static void fuzzerTestOneInput(FuzzedDataProvider data) {
    Reassembler reassembler = new Reassembler(LIMITS, new Reassembler.Handler() {
      @Override
      public void onMessage(int event, int socketId, ByteBuffer payload) {
        check(Frame.isSeedEvent(event), "onMessage with event " + event);
        payload.get(new byte[payload.remaining()]);
      }

      @Override
      public void onExtensionFrame(int event, int socketId, ByteBuffer frame) {
        check(!Frame.isSeedEvent(event), "onExtensionFrame with event " + event);
      }

      @Override
      public void onError(ProtocolException error) {
        check(error.getMessage() != null && !error.getMessage().isEmpty(), "error without message");
      }
    });
    while (data.remainingBytes() > 0) {
      ByteBuffer frame = data.consumeBoolean() ? raw(data) : nearValid(data);
      try {
        Frame.decode(frame.duplicate());
      } catch (ProtocolException expected) {
        // Malformed input is reported this way and no other.
      }
      reassembler.accept(frame);
      check(frame.position() == frame.limit(), "frame not consumed");
      check(reassembler.bufferedBytes() <= LIMITS.maxBufferedBytesTotal(), "over total limit");
      check(reassembler.partialMessages() <= LIMITS.maxPartialMessagesTotal(), "too many partials");
      for (int socket = 0; socket < 4; socket++) {
        check(reassembler.bufferedBytes(socket) <= LIMITS.maxBufferedBytesPerSocket(), "over socket limit");
      }
      if (data.consumeInt(0, 15) == 0) {
        reassembler.release(data.consumeInt(0, 3));
      }
    }
  }

  private static ByteBuffer raw(FuzzedDataProvider data) {
    return ByteBuffer.wrap(data.consumeBytes(data.consumeInt(0, 64)));
  }

  /** A header from small field values (so that fields of different frames collide), a zero payload of any size. */
  private static ByteBuffer nearValid(FuzzedDataProvider data) {
    int event = data.consumeInt(0, 4);
    int socket = data.consumeInt(0, 3);
    int chunkId = data.consumeInt(0, 3);
    int totalChunks = data.consumeBoolean() ? data.consumeInt(0, 6) : data.consumeInt(0, 0xFFFF);
    int chunkIndex = data.consumeInt(0, 6);
    int payloadSize = data.consumeBoolean() ? data.consumeInt(0, 16) : data.consumeInt(0, Frame.MAX_PAYLOAD_LENGTH);
    int declared = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 0xFFFF) : payloadSize;
    ByteBuffer frame = ByteBuffer.allocate(Frame.HEADER_LENGTH + payloadSize);
    frame.put(Frame.EVENT_OFFSET, (byte) event);
    frame.putShort(Frame.SOCKET_ID_OFFSET, (short) socket);
    frame.putShort(Frame.CHUNK_ID_OFFSET, (short) chunkId);
    frame.putShort(Frame.CHUNK_INDEX_OFFSET, (short) chunkIndex);
    frame.putShort(Frame.TOTAL_CHUNKS_OFFSET, (short) totalChunks);
    frame.putShort(Frame.PAYLOAD_SIZE_OFFSET, (short) declared);
    return frame;
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
  }
}

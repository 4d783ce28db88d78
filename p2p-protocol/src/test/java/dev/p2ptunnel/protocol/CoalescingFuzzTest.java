package dev.p2ptunnel.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@link Coalescing#split} (into a {@link Reassembler}, as the bridge does) with raw bytes and with messages
 * made of near-valid frames. Findings: frames that do not tile the message exactly (each starting where the one
 * before ended, ending at 11 + {@code payload_size} bytes or at the end of the message), a cut-short frame that is
 * not the last, a well-formed frame list that does not come back as it went in, any exception, or memory held beyond
 * the reassembler's limits.
 *
 * <p>{@code mvn test} fuzzes for a few seconds; {@link CoalescingFuzzStressTest} for minutes in the stress profile;
 * {@code scripts/fuzz.sh SECONDS coalescing} for as long as asked.
 */
class CoalescingFuzzTest {
  private static final Reassembler.Limits LIMITS = Reassembler.Limits.builder().maxPartialMessages(4, 8)
      .maxBufferedBytes(300_000, 500_000).build();

  @FuzzTest(maxDuration = "3s")
  void splitTilesEveryMessageAndNeverFails(FuzzedDataProvider data) {
    fuzzerTestOneInput(data);
  }

  /** Entry point for Jazzer's command line (the long run). */
  public static void fuzzerTestOneInput(FuzzedDataProvider data) {
    Reassembler reassembler = new Reassembler(LIMITS, new Reassembler.Handler() {
      @Override
      public void onMessage(int event, int socketId, ByteBuffer payload) {
        payload.get(new byte[payload.remaining()]);
      }

      @Override
      public void onExtensionFrame(int event, int socketId, ByteBuffer frame) {}

      @Override
      public void onError(ProtocolException error) {
        check(error.getMessage() != null && !error.getMessage().isEmpty(), "error without message");
      }
    });
    while (data.remainingBytes() > 0) {
      List<byte[]> built = new ArrayList<>();
      ByteBuffer message = data.consumeBoolean() ? raw(data) : coalesced(data, built);
      int offset = data.consumeInt(0, 3);
      ByteBuffer placed = ByteBuffer.allocate(offset + message.remaining() + 2).position(offset);
      placed.put(message.duplicate()).flip().position(offset);
      int end = placed.limit();
      List<int[]> extents = new ArrayList<>();
      List<byte[]> seen = new ArrayList<>();
      Coalescing.split(placed, frame -> {
        extents.add(new int[] {frame.position(), frame.limit()});
        byte[] copy = new byte[frame.remaining()];
        frame.duplicate().get(copy);
        seen.add(copy);
        reassembler.accept(frame);
      });
      checkTiling(placed, offset, end, extents);
      if (!built.isEmpty()) {
        check(seen.size() == built.size(), "frames " + seen.size() + " != built " + built.size());
        for (int i = 0; i < built.size(); i++) {
          check(java.util.Arrays.equals(seen.get(i), built.get(i)), "frame " + i + " changed");
        }
      }
      check(reassembler.bufferedBytes() <= LIMITS.maxBufferedBytesTotal(), "over total limit");
      check(reassembler.partialMessages() <= LIMITS.maxPartialMessagesTotal(), "too many partials");
    }
  }

  private static void checkTiling(ByteBuffer message, int start, int end, List<int[]> extents) {
    check(message.position() == end && message.limit() == end, "message not consumed or limit moved");
    if (start == end) {
      check(extents.size() == 1 && extents.get(0)[0] == start && extents.get(0)[1] == end, "empty message");
      return;
    }
    int at = start;
    for (int i = 0; i < extents.size(); i++) {
      int[] extent = extents.get(i);
      check(extent[0] == at, "frame " + i + " starts at " + extent[0] + ", expected " + at);
      int length = extent[1] - extent[0];
      check(length > 0, "empty frame " + i);
      boolean full = length >= Frame.HEADER_LENGTH
          && length == Frame.HEADER_LENGTH + Frame.getU16(message, extent[0] + Frame.PAYLOAD_SIZE_OFFSET);
      check(full || extent[1] == end, "cut-short frame " + i + " is not the last");
      at = extent[1];
    }
    check(at == end, "frames end at " + at + ", message at " + end);
  }

  private static ByteBuffer raw(FuzzedDataProvider data) {
    return ByteBuffer.wrap(data.consumeBytes(data.consumeInt(0, 96)));
  }

  /** Near-valid frames back to back (small field values so that frames of one message collide), sometimes cut. */
  private static ByteBuffer coalesced(FuzzedDataProvider data, List<byte[]> built) {
    int count = data.consumeInt(1, 8);
    List<byte[]> frames = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
      int payloadSize = data.consumeBoolean() ? data.consumeInt(0, 24) : data.consumeInt(0, 3_000);
      ByteBuffer frame = ByteBuffer.allocate(Frame.HEADER_LENGTH + payloadSize);
      frame.put(Frame.EVENT_OFFSET, (byte) data.consumeInt(0, 20));
      frame.putShort(Frame.SOCKET_ID_OFFSET, (short) data.consumeInt(0, 3));
      frame.putShort(Frame.CHUNK_ID_OFFSET, (short) data.consumeInt(0, 3));
      frame.putShort(Frame.CHUNK_INDEX_OFFSET, (short) data.consumeInt(0, 3));
      frame.putShort(Frame.TOTAL_CHUNKS_OFFSET, (short) data.consumeInt(0, 3));
      frame.putShort(Frame.PAYLOAD_SIZE_OFFSET, (short) payloadSize);
      frames.add(frame.array());
      total += frame.capacity();
    }
    ByteBuffer message = ByteBuffer.allocate(total);
    frames.forEach(message::put);
    message.flip();
    if (data.consumeInt(0, 3) == 0 && total > 0) {
      message.limit(data.consumeInt(0, total - 1)); // cut short: the split must still tile it
    } else {
      built.addAll(frames);
    }
    return message;
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
  }
}

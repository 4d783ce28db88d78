package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.protocol.Coalescing;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With coalescing, the small frames of a turn leave in a message of their own before a bulk socket reads, so that a
 * reply does not share (and wait for) a 64 KiB message of bulk data; larger held data still shares.
 */
class AheadOfBulkTest {
  private final RecordingChannel channel = new RecordingChannel();
  private final Outbound outbound = new Outbound(channel, new Counters(), new ManualTicker(), 64 * 1024);
  private final Map<Integer, Long> pending = new HashMap<>();
  private final Scheduler scheduler = new Scheduler(outbound, this::read);
  private final TestStreams streams;

  AheadOfBulkTest() throws Exception {
    streams = new TestStreams();
    outbound.coalesce(64 * 1024);
  }

  @AfterEach
  void tearDown() throws Exception {
    streams.close();
  }

  /** Reads like LocalIo: into the outbound's frame buffer, up to a frame per read, then sends it as DATA. */
  private Scheduler.ReadResult read(Stream stream, long budget) {
    for (long left = budget; left > 0; ) {
      long has = pending.getOrDefault(stream.id, 0L);
      if (has == 0) {
        return Scheduler.ReadResult.DRAINED;
      }
      ByteBuffer room = outbound.payloadBuffer(Frame.MAX_PAYLOAD_LENGTH);
      int n = (int) Math.min(has, room.remaining());
      int max = room.remaining();
      room.position(room.position() + n);
      pending.put(stream.id, has - n);
      outbound.sendData(stream, n);
      left -= n;
      if (n < max) {
        return Scheduler.ReadResult.DRAINED;
      }
    }
    return Scheduler.ReadResult.MORE;
  }

  @Test
  void smallFramesLeaveBeforeTheBulkRoundInAMessageOfTheirOwn() throws Exception {
    Stream bulk = readable(1, 10L << 20);
    scheduler.readable(bulk);
    scheduler.runTurn(); // the bulk socket joins the round
    outbound.flush();
    channel.hex.clear();

    outbound.sendExtension(Extensions.window(9, 4096)); // a control frame from this turn's commands
    Stream reply = readable(2, 1024);
    scheduler.readable(reply);
    scheduler.readable(bulk);
    scheduler.runTurn();
    outbound.flush();

    List<List<Integer>> messages = socketsPerMessage();
    assertEquals(List.of(9, 2), messages.get(0), "the WINDOW and the reply alone, first");
    assertEquals(1, messages.get(1).get(0), "then the bulk socket's data: " + messages);
    for (List<Integer> message : messages.subList(1, messages.size())) {
      assertEquals(List.of(1), List.copyOf(new java.util.LinkedHashSet<>(message)), "bulk only: " + messages);
    }
  }

  @Test
  void heldDataAboveTheLimitKeepsSharingTheMessage() throws Exception {
    Stream bulk = readable(1, 10L << 20);
    scheduler.readable(bulk);
    scheduler.runTurn();
    outbound.flush();
    channel.hex.clear();

    Stream larger = readable(2, Outbound.AHEAD_OF_BULK_BYTES + 1);
    scheduler.readable(larger);
    scheduler.readable(bulk);
    scheduler.runTurn();
    outbound.flush();

    assertEquals(List.of(2, 1), socketsPerMessage().get(0), "already bulk-sized: no message of its own");
  }

  @Test
  void withoutABulkSocketTheTurnStillSendsOneMessage() throws Exception {
    outbound.sendExtension(Extensions.window(9, 4096));
    Stream a = readable(2, 100);
    Stream b = readable(3, 100);
    scheduler.readable(a);
    scheduler.readable(b);
    scheduler.runTurn();
    outbound.flush();

    assertEquals(List.of(List.of(9, 2, 3)), socketsPerMessage());
  }

  /** The socket id of each frame, per message sent. */
  private List<List<Integer>> socketsPerMessage() {
    List<List<Integer>> messages = new ArrayList<>();
    for (String hex : channel.hex) {
      List<Integer> sockets = new ArrayList<>();
      Coalescing.split(ByteBuffer.wrap(HexFormat.of().parseHex(hex)), frame -> sockets.add(Frame.socketId(frame)));
      messages.add(sockets);
    }
    return messages;
  }

  private Stream readable(int id, long bytes) throws Exception {
    Stream stream = streams.stream(id);
    stream.credit.send = 1L << 40;
    stream.updateInterest();
    pending.put(id, bytes);
    return stream;
  }
}

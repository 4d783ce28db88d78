package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which socket reads next (deficit round robin, sparse first), and parking while the channel is blocked. */
class SchedulerTest {
  private final RecordingChannel channel = new RecordingChannel();
  private final Outbound outbound = new Outbound(channel, new Counters(), new ManualTicker(), 0);
  /** Bytes each socket has to send: the fake reader takes up to a frame per read, as LocalIo does. */
  private final Map<Integer, Long> pending = new HashMap<>();
  private final List<Integer> reads = new ArrayList<>();
  private final Scheduler scheduler = new Scheduler(outbound, this::read);
  private final TestStreams streams;

  SchedulerTest() throws Exception {
    streams = new TestStreams();
  }

  @AfterEach
  void tearDown() throws Exception {
    streams.close();
  }

  private Scheduler.ReadResult read(Stream stream, long budget) {
    for (long left = budget; left > 0; ) {
      if (!outbound.writable()) {
        return Scheduler.ReadResult.BLOCKED;
      }
      long has = pending.getOrDefault(stream.id, 0L);
      int n = (int) Math.min(has, Frame.MAX_PAYLOAD_LENGTH);
      if (n == 0) {
        return Scheduler.ReadResult.DRAINED;
      }
      reads.add(stream.id);
      pending.put(stream.id, has - n);
      stream.bytes.toPeer += n;
      left -= n;
      if (n < Frame.MAX_PAYLOAD_LENGTH) {
        return Scheduler.ReadResult.DRAINED;
      }
    }
    return Scheduler.ReadResult.MORE;
  }

  @Test
  void shouldReadReadySocketsInTheOrderTheyBecameReady() throws Exception {
    Stream a = readable(1, 100);
    Stream b = readable(2, 100);
    scheduler.readable(b);
    scheduler.readable(a);
    scheduler.readable(b);
    assertEquals(2, scheduler.runTurn());
    assertEquals(List.of(2, 1), reads);
    assertEquals(0, scheduler.runTurn(), "drained sockets wait for the selector");
  }

  @Test
  void shouldServeASocketWithALittleToSendBeforeABulkBacklog() throws Exception {
    Stream bulk = readable(1, 10L << 20);
    scheduler.readable(bulk);
    scheduler.runTurn();
    assertTrue(bulk.backlogged, "its read left more behind");
    reads.clear();
    Stream small = readable(2, 200);
    scheduler.readable(small);
    scheduler.readable(bulk); // the selector reports both; the bulk socket is already in the round
    scheduler.runTurn();
    assertEquals(List.of(2, 1), reads, "the sparse socket first, then one quantum of the bulk one");
    assertFalse(small.backlogged);
  }

  @Test
  void shouldShareTheChannelEquallyByBytesAmongBacklogs() throws Exception {
    Stream a = readable(1, 100L << 20);
    Stream b = readable(2, 100L << 20);
    Stream c = readable(3, 100L << 20);
    scheduler.readable(a);
    scheduler.readable(b);
    scheduler.readable(c);
    for (int turn = 0; turn < 100; turn++) {
      scheduler.runTurn();
    }
    long most = Math.max(a.bytes.toPeer, Math.max(b.bytes.toPeer, c.bytes.toPeer));
    long least = Math.min(a.bytes.toPeer, Math.min(b.bytes.toPeer, c.bytes.toPeer));
    assertTrue(most - least <= Frame.MAX_PAYLOAD_LENGTH, "within a frame: " + most + " vs " + least);
    assertTrue(least >= 99 * Scheduler.QUANTUM_BYTES - Frame.MAX_PAYLOAD_LENGTH, "a quantum per turn: " + least);
  }

  @Test
  void shouldParkWaitingSocketsInPlaceAndServeThemFirstOnceTheChannelDrains() throws Exception {
    List<Stream> idle = new ArrayList<>();
    for (int id = 10; id < 1010; id++) {
      idle.add(readable(id, 0));
    }
    Stream bulk = readable(1, 10L << 20);
    scheduler.readable(bulk);
    scheduler.runTurn();
    Stream busy = readable(2, 100);
    block();
    scheduler.readable(busy);
    reads.clear();
    scheduler.runTurn();
    assertEquals(List.of(), reads, "nothing is read into a blocked channel");
    assertEquals(2, scheduler.parkedCount(), "the two that wait; the 1000 idle ones are untouched");
    assertTrue(busy.parked);
    assertEquals(0, busy.key.interestOps() & SelectionKey.OP_READ);
    assertEquals(0, bulk.key.interestOps() & SelectionKey.OP_READ);
    assertEquals(SelectionKey.OP_READ, idle.get(0).key.interestOps());
    scheduler.readable(busy);
    assertEquals(0, scheduler.runTurn(), "a parked socket waits for the channel, not for the selector");
    assertTrue(outbound.markWritable());
    channel.writable = true;
    scheduler.unparkAll();
    assertEquals(0, scheduler.parkedCount());
    assertEquals(SelectionKey.OP_READ, busy.key.interestOps());
    assertEquals(2, scheduler.runTurn(), "served from their places without the selector");
    assertEquals(List.of(2, 1), reads);
  }

  @Test
  void shouldSkipSocketsThatEndedWhileQueued() throws Exception {
    Stream stream = readable(4, 100);
    scheduler.readable(stream);
    stream.end("closed by peer", false);
    assertEquals(0, scheduler.runTurn());
    assertEquals(List.of(), reads);
    assertEquals(0, scheduler.waitingCount());
  }

  @Test
  void aSocketThatDrainsLeavesTheRoundAndItsDeficit() throws Exception {
    Stream stream = readable(5, 3L * Frame.MAX_PAYLOAD_LENGTH + 10);
    scheduler.readable(stream);
    scheduler.runTurn();
    assertTrue(stream.backlogged);
    for (int turn = 0; turn < 5 && scheduler.waitingCount() > 0; turn++) {
      scheduler.runTurn();
    }
    assertEquals(0, scheduler.waitingCount());
    assertFalse(stream.backlogged);
    assertEquals(0, stream.deficit);
    assertEquals(3L * Frame.MAX_PAYLOAD_LENGTH + 10, stream.bytes.toPeer);
  }

  private void block() {
    channel.writable = false;
    outbound.sendExtension(Extensions.ping(false, 1)); // the send that finds the channel full
    assertFalse(outbound.writable());
  }

  private Stream readable(int id, long bytes) throws Exception {
    Stream stream = streams.stream(id);
    stream.credit.send = 1L << 40;
    stream.updateInterest();
    pending.put(id, bytes);
    return stream;
  }
}

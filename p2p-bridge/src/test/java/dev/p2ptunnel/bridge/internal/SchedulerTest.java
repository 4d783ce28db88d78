package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.protocol.Extensions;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which socket reads next, and parking while the channel is blocked. */
class SchedulerTest {
  private final RecordingChannel channel = new RecordingChannel();
  private final Outbound outbound = new Outbound(channel, new Counters(), new ManualTicker(), 0);
  private final List<Integer> reads = new ArrayList<>();
  private final Scheduler scheduler = new Scheduler(outbound, (stream, max) -> {
    reads.add(stream.id);
    assertEquals(Scheduler.READS_PER_TURN, max);
    return Scheduler.ReadResult.DONE;
  });
  private final TestStreams streams;

  SchedulerTest() throws Exception {
    streams = new TestStreams();
  }

  @AfterEach
  void tearDown() throws Exception {
    streams.close();
  }

  @Test
  void shouldReadReadySocketsOnceEachInTheOrderTheyBecameReady() throws Exception {
    Stream a = readable(1);
    Stream b = readable(2);
    scheduler.readable(b);
    scheduler.readable(a);
    scheduler.readable(b);
    assertEquals(2, scheduler.runTurn());
    assertEquals(List.of(2, 1), reads);
    assertEquals(0, scheduler.runTurn(), "each turn serves what became ready for it");
  }

  @Test
  void shouldParkOnlyTheSocketsThatWantToReadWhileTheChannelIsBlocked() throws Exception {
    List<Stream> idle = new ArrayList<>();
    for (int id = 10; id < 1010; id++) {
      idle.add(readable(id));
    }
    Stream busy = readable(1);
    channel.writable = false;
    outbound.sendExtension(Extensions.ping(false, 1)); // the send that finds the channel full
    assertFalse(outbound.writable());
    scheduler.readable(busy);
    scheduler.runTurn();
    assertEquals(List.of(), reads, "nothing is read into a blocked channel");
    assertEquals(1, scheduler.parkedCount(), "one socket wanted to read; the 1000 idle ones are untouched");
    assertTrue(busy.parked);
    assertEquals(0, busy.key.interestOps() & SelectionKey.OP_READ);
    assertEquals(SelectionKey.OP_READ, idle.get(0).key.interestOps());
    scheduler.readable(busy);
    assertEquals(0, scheduler.runTurn(), "a parked socket waits for the channel, not for the selector");
    assertTrue(outbound.markWritable());
    scheduler.unparkAll();
    assertEquals(0, scheduler.parkedCount());
    assertEquals(SelectionKey.OP_READ, busy.key.interestOps());
  }

  @Test
  void shouldSkipSocketsThatEndedWhileQueued() throws Exception {
    Stream stream = readable(4);
    scheduler.readable(stream);
    stream.end("closed by peer", false);
    assertEquals(0, scheduler.runTurn());
    assertEquals(List.of(), reads);
  }

  private Stream readable(int id) throws Exception {
    Stream stream = streams.stream(id);
    stream.credit.send = 1000;
    stream.updateInterest();
    return stream;
  }
}

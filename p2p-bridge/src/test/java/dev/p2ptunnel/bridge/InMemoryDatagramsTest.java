package dev.p2ptunnel.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The datagram transport of an in-memory pair: straight to the other end's listener, copied, within its limits. */
class InMemoryDatagramsTest {
  /** Records what a datagram listener hears. */
  private static final class Heard implements DatagramTransport.Listener {
    final List<String> datagrams = new ArrayList<>();
    final List<String> closed = new ArrayList<>();

    @Override
    public void onMessage(ByteBuffer datagram) {
      datagrams.add(StandardCharsets.UTF_8.decode(datagram).toString());
    }

    @Override
    public void onClosed(String reason) {
      closed.add(reason);
    }
  }

  private static DatagramTransport open(InMemoryChannel end) {
    return end.openDatagrams().toCompletableFuture().join();
  }

  @Test
  void shouldDeliverACopyToTheOtherEndsListener() {
    InMemoryChannel.Pair pair = InMemoryChannel.pair();
    DatagramTransport a = open(pair.first());
    DatagramTransport b = open(pair.second());
    Heard heard = new Heard();
    b.start(heard);
    ByteBuffer sent = ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8));

    assertTrue(a.send(sent));
    sent.put(0, (byte) 'X'); // the receiver got a copy

    assertEquals(List.of("ping"), heard.datagrams);
    assertEquals(InMemoryChannel.DATAGRAM_MAX_LENGTH, a.maxMessageLength());
  }

  @Test
  void shouldRefuseADatagramLongerThanTheLimit() {
    InMemoryChannel.Pair pair = InMemoryChannel.pair();
    Heard heard = new Heard();
    open(pair.second()).start(heard);

    assertFalse(open(pair.first()).send(ByteBuffer.allocate(InMemoryChannel.DATAGRAM_MAX_LENGTH + 1)));
    assertTrue(open(pair.first()).send(ByteBuffer.allocate(InMemoryChannel.DATAGRAM_MAX_LENGTH)));
    assertEquals(1, heard.datagrams.size());
  }

  @Test
  void shouldDropWhatTheOtherEndNoLongerTakesAndRefuseOnAClosedChannel() {
    InMemoryChannel.Pair pair = InMemoryChannel.pair();
    DatagramTransport a = open(pair.first());
    DatagramTransport b = open(pair.second());
    Heard heard = new Heard();
    b.start(heard);

    b.close("done");
    assertTrue(a.send(ByteBuffer.wrap(new byte[] {1}))); // sent, as a datagram is, but nobody takes it
    assertEquals(List.of(), heard.datagrams);
    assertEquals(List.of("done"), heard.closed);
    b.close("again");
    assertEquals(List.of("done"), heard.closed);

    pair.first().sever("gone");
    assertFalse(a.send(ByteBuffer.wrap(new byte[] {1})));
  }

  @Test
  void shouldRefuseASecondListener() {
    DatagramTransport a = open(InMemoryChannel.pair().first());
    a.start(new Heard());

    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> a.start(new Heard()));
    assertTrue(e.getMessage().startsWith("datagram listener already registered on in-memory-channel-"),
        e.getMessage());
  }
}

package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.DatagramTransport;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The datagram channel ({@code udp}, negotiated id 1, unordered, no retransmissions) on real peer connections in the
 * test network namespace: both sides open it and datagrams flow; only one side opens it (a peer of the original
 * kind, with its one {@code data} channel) and that peer notices nothing.
 */
@Timeout(120)
class DatagramChannelTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Records what a channel delivers. */
  private static final class Inbox implements MessageChannel.Listener, DatagramTransport.Listener {
    final List<ByteBuffer> messages = new CopyOnWriteArrayList<>();
    final CountDownLatch expected;

    Inbox(int expected) {
      this.expected = new CountDownLatch(expected);
    }

    @Override
    public void onMessage(ByteBuffer message) {
      messages.add(message);
      expected.countDown();
    }

    @Override
    public void onWritable() {}

    @Override
    public void onClosed(String reason) {}

    void await() throws InterruptedException {
      assertTrue(expected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "got " + messages.size());
    }
  }

  private static WebRtcSession[] pair() {
    String ns = System.getenv("P2P_TEST_NETNS");
    Assumptions.assumeTrue(ns != null && !ns.isEmpty(), "SKIPPED: needs a test network namespace");
    WebRtcConfig config = WebRtcConfig.builder().iceServers(List.of()).build();
    WebRtcSession offerer = WebRtcSession.offer(config);
    WebRtcSession answerer = WebRtcSession.answer(config, offerer.localDescription());
    offerer.acceptAnswer(answerer.localDescription());
    offerer.dataChannel(WAIT);
    answerer.dataChannel(WAIT);
    return new WebRtcSession[] {offerer, answerer};
  }

  private static DatagramTransport open(WebRtcSession session) throws Exception {
    return session.dataChannel(WAIT).openDatagrams().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static ByteBuffer datagram(int size, int seed) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (seed + i);
    }
    return ByteBuffer.wrap(bytes);
  }

  @Test
  void shouldCarryDatagramsOfUpToOneSctpPacketWhenBothSidesOpenTheChannel() throws Exception {
    WebRtcSession[] sessions = pair();
    try {
      assertTrue(sessions[0].dataChannel(WAIT).supportsDatagrams());
      DatagramTransport a = open(sessions[0]);
      DatagramTransport b = open(sessions[1]);
      assertEquals(1163, a.maxMessageLength(), "1191-byte SCTP packets less 12 + 16 bytes of headers");
      Inbox inbox = new Inbox(1);
      b.start(inbox);
      a.start(new Inbox(0));
      // Unreliable: a datagram may be lost even here, so send until one arrives (each is checked whole).
      for (int i = 0; i < 200 && !inbox.expected.await(5, TimeUnit.MILLISECONDS); i++) {
        assertTrue(a.send(datagram(1163, i)), "datagram " + i + " sent");
      }
      inbox.await();
      ByteBuffer first = inbox.messages.get(0);
      assertEquals(1163, first.remaining());
      int seed = first.get(0);
      assertArrayEquals(datagram(1163, seed).array(), first.array());
      assertFalse(a.send(datagram(1164, 0)), "one byte more than a packet carries: not sent");
    } finally {
      sessions[0].close();
      sessions[1].close();
    }
  }

  @Test
  void shouldLeaveAPeerThatHasNoDatagramChannelUntouched() throws Exception {
    WebRtcSession[] sessions = pair();
    try {
      MessageChannel ours = sessions[0].dataChannel(WAIT);
      MessageChannel original = sessions[1].dataChannel(WAIT);
      Inbox atOriginal = new Inbox(3);
      Inbox atOurs = new Inbox(1);
      original.start(atOriginal);
      ours.start(atOurs);
      // Only our side creates the negotiated channel: it opens on its own (no SDP change, no handshake) ...
      DatagramTransport udp = open(sessions[0]);
      udp.start(new Inbox(0));
      for (int i = 0; i < 100; i++) {
        udp.send(datagram(500, i));
      }
      // Every datagram has left libwebrtc's queue before the data messages are sent, so on this one path (a veth
      // pair, first in first out) they reach the peer before the last data message does.
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (((DataChannelDatagrams) udp).channel().getBufferedAmount() > 0) {
        assertTrue(System.nanoTime() < deadline, "the datagrams left the send queue");
        TimeUnit.MILLISECONDS.sleep(1); // polling for an event, not timing
      }
      // ... and what it sent was dropped by the peer's SCTP stack: its data channel sees only its own messages.
      ours.send(ByteBuffer.wrap(new byte[] {1}));
      ours.send(ByteBuffer.wrap(new byte[] {2}));
      ours.send(ByteBuffer.wrap(new byte[] {3}));
      atOriginal.await();
      assertEquals(3, atOriginal.messages.size());
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(new byte[] {(byte) (i + 1)}, atOriginal.messages.get(i).array());
      }
      original.send(ByteBuffer.wrap(new byte[] {9}));
      atOurs.await();
      assertTrue(sessions[1].state() != dev.p2ptunnel.webrtc.SessionState.CLOSED, "the original peer is unharmed");
    } finally {
      sessions[1].close();
      sessions[0].close();
    }
    assertEquals("closed locally", sessions[1].closed().get(10, TimeUnit.SECONDS), "it closed as it always does");
  }
}

package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.MessageChannel;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Closing either side, or misusing the channel, closes both sessions once, with a reason. */
class SessionCloseTest {
  private static final String PEER_GONE = "data channel closed by the peer (or by libwebrtc)";

  @BeforeEach
  void needsNamespace() {
    TestNetns.assumeNamespace();
  }

  @Test
  void shouldCloseBothSessionsWhenOffererCloses() throws Exception {
    WebRtcSession[] pair = TestNetns.connectedPair(TestNetns.config());
    Endpoint atA = started(pair[0]);
    Endpoint atB = started(pair[1]);

    pair[0].close("offerer done");

    assertEquals("offerer done", pair[0].closed().get(5, TimeUnit.SECONDS));
    assertEquals("offerer done", atA.closed.get(5, TimeUnit.SECONDS));
    assertEquals(PEER_GONE, pair[1].closed().get(5, TimeUnit.SECONDS));
    assertEquals(PEER_GONE, atB.closed.get(5, TimeUnit.SECONDS));
    assertEquals(SessionState.CLOSED, pair[1].state());
  }

  @Test
  void pathRequestsFailWithTheCloseReasonOnceClosed() throws Exception {
    WebRtcSession[] pair = TestNetns.connectedPair(TestNetns.config());
    try {
      assertEquals(PathType.DIRECT, pair[0].path().get(5, TimeUnit.SECONDS));
      CompletableFuture<PathType> racing = pair[0].path();
      pair[0].close("done here");
      // Answered before the close or failed by it: never left pending.
      try {
        racing.get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        assertTrue(e.getCause().getMessage().endsWith(": closed: done here"), e.getCause().getMessage());
      }
      ExecutionException after = assertThrows(
          ExecutionException.class, () -> pair[0].path().get(5, TimeUnit.SECONDS));
      assertTrue(after.getCause().getMessage().endsWith(": closed: done here"), after.getCause().getMessage());
    } finally {
      pair[1].close();
    }
  }

  @Test
  void shouldCloseBothSessionsWhenAnswererClosesItsChannel() throws Exception {
    WebRtcSession[] pair = TestNetns.connectedPair(TestNetns.config());
    Endpoint atA = started(pair[0]);
    MessageChannel b = TestNetns.channel(pair[1]);
    b.start(new Endpoint(0));

    b.close("answerer done");

    assertFalse(b.isOpen());
    assertFalse(b.send(ByteBuffer.allocate(1)), "send after close is refused, not thrown");
    assertEquals("answerer done", pair[1].closed().get(5, TimeUnit.SECONDS));
    assertEquals(PEER_GONE, pair[0].closed().get(5, TimeUnit.SECONDS));
    assertEquals(PEER_GONE, atA.closed.get(5, TimeUnit.SECONDS));
  }

  @Test
  void shouldCloseOnceWhenClosedFromManyThreadsAndFromItsOwnCallback() throws Exception {
    WebRtcSession[] pair = TestNetns.connectedPair(TestNetns.config());
    MessageChannel b = TestNetns.channel(pair[1]);
    b.start(new Endpoint(1) {
      @Override
      public void onMessage(ByteBuffer message) {
        b.close("closed from onMessage"); // on libwebrtc's signaling thread: must not deadlock
      }
    });
    MessageChannel a = TestNetns.channel(pair[0]);
    a.start(new Endpoint(0));
    a.send(ByteBuffer.wrap(new byte[] {1}));
    assertEquals("closed from onMessage", pair[1].closed().get(5, TimeUnit.SECONDS));
    Thread[] closers = new Thread[4];
    for (int i = 0; i < closers.length; i++) {
      closers[i] = new Thread(() -> pair[0].close("racing close"));
      closers[i].start();
    }
    for (Thread closer : closers) {
      closer.join();
    }
    pair[0].close();
    String reason = pair[0].closed().get(5, TimeUnit.SECONDS);
    assertTrue(reason.equals(PEER_GONE) || reason.equals("racing close"), reason);
  }

  @Test
  void shouldCloseWithClearReasonBeforeLibwebrtcLimitWhenSenderIgnoresWritability() throws Exception {
    WebRtcSession[] pair = TestNetns.connectedPair(TestNetns.config());
    try {
      MessageChannel a = TestNetns.channel(pair[0]);
      Endpoint atA = started(pair[0]);
      TestNetns.channel(pair[1]).start(new Endpoint(-1));
      ByteBuffer message = ByteBuffer.allocateDirect(MessageChannel.MAX_MESSAGE_LENGTH);
      int accepted = 0;
      while (accepted < 100_000 && a.send(message.duplicate())) {
        accepted++;
      }
      assertFalse(a.isOpen());
      String reason = pair[0].closed().get(5, TimeUnit.SECONDS);
      assertTrue(reason.startsWith("send queue limit: ") && reason.endsWith(
          " bytes would be queued > limit 12582912 (the sender ignored isWritable())"), reason);
      assertEquals(reason, atA.closed.get(5, TimeUnit.SECONDS));
      System.out.println("misbehaving sender: " + accepted + " messages accepted before: " + reason);
    } finally {
      pair[0].close();
      pair[1].close();
    }
  }

  @Test
  void shouldRefuseMessagesLongerThanThePeerTakesWithoutClosing() throws Exception {
    WebRtcSession[] pair = TestNetns.connectedPair(TestNetns.config());
    try {
      MessageChannel a = TestNetns.channel(pair[0]);
      assertEquals(262_144, a.maxMessageLength(), "libwebrtc's a=max-message-size");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> a.send(ByteBuffer.allocate(a.maxMessageLength() + 1)));
      assertEquals("message length: 262145 (expected: <= 262144)", e.getMessage());
      assertTrue(a.isOpen());
    } finally {
      pair[0].close();
      pair[1].close();
    }
  }

  private static Endpoint started(WebRtcSession session) {
    Endpoint endpoint = new Endpoint(-1);
    TestNetns.channel(session).start(endpoint);
    return endpoint;
  }
}

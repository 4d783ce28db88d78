package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.MessageChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real DataChannels between two sessions in this JVM, inside the test network namespace. */
class DataChannelTransferTest {
  private static final long HUNDRED_MB = 100_000_000L;

  @BeforeEach
  void needsNamespace() {
    TestNetns.assumeNamespace();
  }

  @Test
  void shouldOpenChannelThroughOfferAndAnswerOnADirectPath() throws Exception {
    WebRtcSession offerer = WebRtcSession.offer(TestNetns.config());
    SessionDescription offer = offerer.localDescription();
    assertEquals(SessionDescription.Type.OFFER, offer.type());
    assertTrue(offer.sdp().contains("a=candidate:"), "offer carries its candidates (vanilla ICE)");
    WebRtcSession answerer = WebRtcSession.answer(TestNetns.config(), offer);
    SessionDescription answer = answerer.localDescription();
    assertEquals(SessionDescription.Type.ANSWER, answer.type());
    offerer.acceptAnswer(answer);
    try {
      assertTrue(TestNetns.channel(offerer).isOpen());
      assertTrue(TestNetns.channel(answerer).isOpen());
      assertEquals(SessionState.OPEN, offerer.state());
      assertEquals(SessionState.OPEN, answerer.state());
      assertEquals(PathType.DIRECT, offerer.path().get(5, TimeUnit.SECONDS));
      assertEquals(PathType.DIRECT, answerer.path().get(5, TimeUnit.SECONDS));
    } finally {
      offerer.close();
      answerer.close();
    }
    assertEquals("closed locally", offerer.closed().get(5, TimeUnit.SECONDS));
    assertEquals(SessionState.CLOSED, answerer.state());
  }

  @Test
  void shouldConnectThroughSignalingAndDeliverMessagesSentBeforeStart() throws Exception {
    InMemorySignaling inProcess = new InMemorySignaling();
    CompletableFuture<WebRtcSession> answering = inProcess.nextJoin()
        .thenApplyAsync(request -> WebRtcSession.answer(TestNetns.config(), request));
    WebRtcSession offerer = WebRtcSession.offer(TestNetns.config(), inProcess);
    WebRtcSession answerer = answering.get(20, TimeUnit.SECONDS);
    try {
      assertEquals(SessionState.OPEN, offerer.state());
      MessageChannel b = TestNetns.channel(answerer);
      for (byte i = 0; i < 5; i++) {
        assertTrue(b.send(java.nio.ByteBuffer.wrap(new byte[] {i})));
      }
      Endpoint atA = new Endpoint(5);
      Thread.sleep(200); // let them arrive before the listener exists
      TestNetns.channel(offerer).start(atA);
      atA.allReceived.get(5, TimeUnit.SECONDS);
      assertEquals(5, atA.receivedMessages);
    } finally {
      offerer.close();
      answerer.close();
    }
  }

  @Test
  void shouldCarryHundredMegabytesEachWayIntactWhileSendersOutrunTheChannel() throws Exception {
    WebRtcSession[] pair = TestNetns.connectedPair(TestNetns.config());
    try (WebRtcSession offerer = pair[0]; WebRtcSession answerer = pair[1]) {
      MessageChannel a = TestNetns.channel(offerer);
      MessageChannel b = TestNetns.channel(answerer);
      Endpoint atA = new Endpoint(HUNDRED_MB);
      Endpoint atB = new Endpoint(HUNDRED_MB);
      a.start(atA);
      b.start(atB);
      long t0 = System.nanoTime();
      CompletableFuture<byte[]> sentByB = CompletableFuture.supplyAsync(() -> {
        try {
          return atB.sendRandom(b, HUNDRED_MB, 2);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      byte[] sentByA = atA.sendRandom(a, HUNDRED_MB, 1);
      assertArrayEquals(sentByA, atB.allReceived.get(60, TimeUnit.SECONDS), "A -> B sha256");
      assertArrayEquals(sentByB.get(60, TimeUnit.SECONDS), atA.allReceived.get(60, TimeUnit.SECONDS),
          "B -> A sha256");
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("100 MB each way at once: %.2f s, %.1f MB/s per direction%n", seconds, 100 / seconds);
      assertTrue(a.isOpen() && b.isOpen(), "no side tripped a send-queue limit");
      System.out.println("onWritable signals: A " + atA.writableSignals + ", B " + atB.writableSignals);
      assertTrue(atA.writableSignals.get() > 0 && atB.writableSignals.get() > 0,
          "both senders outran the channel and were held back by the watermarks");
      assertEquals(SessionState.OPEN, offerer.state());
    }
  }
}

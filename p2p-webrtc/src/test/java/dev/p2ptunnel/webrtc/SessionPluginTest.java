package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plugins on real sessions: they compose, see traffic and states, and a failing one breaks nothing. */
class SessionPluginTest {
  @BeforeEach
  void needsNamespace() {
    TestNetns.assumeNamespace();
  }

  @Test
  void shouldCountTrafficAndSeeCloseWhileFailingPluginIsDetached() throws Exception {
    WebRtcSession offerer = WebRtcSession.offer(TestNetns.config());
    List<SessionState> states = new CopyOnWriteArrayList<>();
    CompletableFuture<String> closedSeen = new CompletableFuture<>();
    AtomicInteger failingCalls = new AtomicInteger();
    TrafficMonitor monitor = new TrafficMonitor(Duration.ofSeconds(5), () -> 7);
    offerer.install(s -> new SessionObserver() {
      @Override
      public void onMessageSent(int bytes) {
        failingCalls.incrementAndGet();
        throw new IllegalStateException("plugin bug");
      }
    });
    offerer.install(monitor);
    offerer.install(new StateLogger());
    offerer.install(s -> new SessionObserver() {
      @Override
      public void onStateChange(SessionState state) {
        states.add(state);
      }

      @Override
      public void onClosed(String reason) {
        closedSeen.complete(reason);
      }
    });
    WebRtcSession answerer = WebRtcSession.answer(TestNetns.config(), offerer.localDescription());
    offerer.acceptAnswer(answerer.localDescription());
    Endpoint atB = new Endpoint(1_000_000);
    TestNetns.channel(answerer).start(atB);
    Endpoint atA = new Endpoint(-1);
    TestNetns.channel(offerer).start(atA);
    atA.sendRandom(TestNetns.channel(offerer), 1_000_000, 3);
    atB.allReceived.get(10, TimeUnit.SECONDS);

    TrafficMonitor.Snapshot s = monitor.snapshot();
    assertEquals(1_000_000, s.bytesOut());
    assertEquals(16, s.messagesOut());
    assertEquals(7, s.openSockets());
    assertTrue(s.bytesOutPerSecond() > 0);
    assertEquals(1, failingCalls.get(), "the failing plugin was detached after its first exception");
    assertTrue(TestNetns.channel(offerer).isOpen(), "a failing plugin does not break the channel");

    answerer.close("bye");
    assertEquals("data channel closed by the peer (or by libwebrtc)", closedSeen.get(5, TimeUnit.SECONDS));
    // Gathering runs from offer() on; when it finished before the plugins were installed (in the test namespace it
    // can take only milliseconds), the plugin was never told CONNECTING: a plugin sees the changes after it joined.
    List<SessionState> expected = states.get(0) == SessionState.CONNECTING
        ? List.of(SessionState.CONNECTING, SessionState.OPEN, SessionState.CLOSED)
        : List.of(SessionState.OPEN, SessionState.CLOSED);
    assertEquals(expected, states);
    offerer.close();
  }
}

package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.internal.StreamState.DataRule;
import dev.p2ptunnel.bridge.internal.StreamState.Event;
import dev.p2ptunnel.bridge.internal.StreamState.Live;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transition table, every state against every event, and what each state means. */
class StreamStateTest {

  /** Expected next state per (state, event); absent: the transition is a bug and throws. */
  private static final Map<Live, Map<Event, Live>> TABLE = new EnumMap<>(Live.class);

  static {
    row(Live.OPEN, Event.LOCAL_EOF_DEFERRED, Live.EOF_DEFERRED, Event.FIN_SENT, Live.FIN_SENT,
        Event.CLOSE_SENT, Live.CLOSE_SENT, Event.FIN_RECEIVED, Live.FIN_RECEIVED,
        Event.CLOSE_RECEIVED, Live.CLOSE_RECEIVED);
    row(Live.EOF_DEFERRED, Event.FIN_SENT, Live.FIN_SENT, Event.CLOSE_SENT, Live.CLOSE_SENT,
        Event.CLOSE_RECEIVED, Live.CLOSE_RECEIVED);
    row(Live.FIN_SENT, Event.FIN_RECEIVED, Live.FIN_BOTH, Event.CLOSE_RECEIVED, Live.CLOSE_RECEIVED);
    row(Live.FIN_RECEIVED, Event.FIN_SENT, Live.FIN_BOTH, Event.FIN_RECEIVED, Live.FIN_RECEIVED,
        Event.CLOSE_RECEIVED, Live.CLOSE_RECEIVED);
    row(Live.FIN_BOTH, Event.FIN_RECEIVED, Live.FIN_BOTH, Event.CLOSE_RECEIVED, Live.CLOSE_RECEIVED);
    row(Live.CLOSE_SENT, Event.FIN_RECEIVED, Live.CLOSE_SENT, Event.CLOSE_RECEIVED, Live.CLOSE_SENT);
    row(Live.CLOSE_RECEIVED, Event.FIN_RECEIVED, Live.CLOSE_RECEIVED, Event.CLOSE_RECEIVED, Live.CLOSE_RECEIVED);
  }

  private static void row(Live from, Object... pairs) {
    Map<Event, Live> row = new EnumMap<>(Event.class);
    for (int i = 0; i < pairs.length; i += 2) {
      row.put((Event) pairs[i], (Live) pairs[i + 1]);
    }
    TABLE.put(from, row);
  }

  @Test
  void shouldFollowTheTableForEveryStateAndEvent() {
    for (Live from : Live.values()) {
      for (Event event : Event.values()) {
        Live expected = TABLE.get(from).get(event);
        if (expected != null) {
          assertEquals(expected, StreamState.next(from, event), from + " on " + event);
        } else {
          IllegalStateException e = assertThrows(IllegalStateException.class, () -> StreamState.next(from, event),
              from + " on " + event);
          assertEquals("transition: " + event + " in state " + from + " (not allowed)", e.getMessage());
        }
      }
    }
  }

  @Test
  void shouldNeverFailOnWhatThePeerSendsOnceItIsKnown() {
    // Peer events reach a socket only after the peer's first message settled any deferred EOF.
    for (Live from : Live.values()) {
      if (from != Live.EOF_DEFERRED) {
        StreamState.next(from, Event.FIN_RECEIVED);
      }
      StreamState.next(from, Event.CLOSE_RECEIVED);
    }
  }

  @Test
  void shouldReadTheLocalSocketOnlyWhileOurDirectionIsOpen() {
    for (Live state : Live.values()) {
      assertEquals(state == Live.OPEN || state == Live.FIN_RECEIVED, state.readsLocal(), state.name());
    }
  }

  @Test
  void shouldTreatPeerDataByState() {
    assertEquals(DataRule.DELIVER, Live.OPEN.dataRule());
    assertEquals(DataRule.DELIVER, Live.FIN_SENT.dataRule());
    assertEquals(DataRule.VIOLATION, Live.FIN_RECEIVED.dataRule());
    assertEquals(DataRule.VIOLATION, Live.FIN_BOTH.dataRule());
    assertEquals(DataRule.DROP, Live.CLOSE_SENT.dataRule(), "we closed; the peer had not seen it yet");
    assertEquals(DataRule.DROP, Live.CLOSE_RECEIVED.dataRule());
  }

  @Test
  void shouldSendCloseOnAbortUnlessEitherSideAlreadyDid() {
    for (Live state : Live.values()) {
      assertEquals(state != Live.CLOSE_SENT && state != Live.CLOSE_RECEIVED, state.abortSendsClose(), state.name());
    }
  }

  @Test
  void shouldNameTheReasonOfEachDrainingState() {
    assertEquals("closed", Live.FIN_BOTH.drainedReason());
    assertEquals("closed by local application", Live.CLOSE_SENT.drainedReason());
    assertEquals("closed by peer", Live.CLOSE_RECEIVED.drainedReason());
    assertNull(Live.OPEN.drainedReason());
    assertNull(Live.FIN_RECEIVED.drainedReason(), "still reading: ends only with our FIN too");
    assertTrue(Live.FIN_BOTH.peerFinished());
    assertFalse(Live.FIN_SENT.peerFinished());
  }

  @Test
  void shouldCarryTheReasonInTheTerminalState() {
    StreamState.Closed closed = new StreamState.Closed("service refused: Connection refused", true);
    assertFalse(closed.isLive());
    assertEquals("service refused: Connection refused", closed.reason());
    assertTrue(closed.reset());
  }
}

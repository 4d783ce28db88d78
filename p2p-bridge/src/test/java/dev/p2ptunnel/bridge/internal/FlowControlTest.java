package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FlowControlTest {
  private static final int WINDOW = 1 << 20;

  private final Negotiation negotiation = new Negotiation(true);
  private final FlowControl flow = new FlowControl(true, WINDOW, negotiation);
  private final Credit credit = new Credit();

  @Test
  void shouldAssumeTheInitialWindowBeforeThePeerIsKnown() {
    flow.open(credit);
    assertEquals(Extensions.INITIAL_WINDOW, credit.send);
    assertEquals(WINDOW, credit.receive);
    assertEquals(WINDOW - Extensions.INITIAL_WINDOW, flow.initialGrant(), "grants the rest of our window at once");
    assertEquals(Frame.MAX_PAYLOAD_LENGTH, flow.sendable(credit));
  }

  @Test
  void shouldLiftTheLimitWhenThePeerTurnsOutToBeOriginal() {
    flow.open(credit);
    negotiation.decide(Frame.encode(Frame.EVENT_CONNECT, 0, 0, 0, 1, ByteBuffer.allocate(0)));
    flow.negotiated(credit);
    assertEquals(Credit.UNLIMITED, credit.send);
    assertEquals(0, flow.initialGrant());
    assertEquals(0, flow.received(credit, 5 * WINDOW), "no window without flow control");
    assertEquals(0, flow.consumed(credit, WINDOW));
    assertFalse(flow.granted(credit, 1000));
    assertEquals(Credit.UNLIMITED, credit.send);
  }

  @Test
  void shouldSpendAndRegainSendCredit() {
    agree();
    flow.open(credit);
    flow.sent(credit, Extensions.INITIAL_WINDOW - 10);
    assertEquals(10, flow.sendable(credit), "one read takes at most the credit");
    flow.sent(credit, 10);
    assertEquals(0, credit.send);
    assertTrue(flow.granted(credit, 500), "was blocked: may read again");
    assertFalse(flow.granted(credit, 500), "was not blocked");
    assertEquals(1000, credit.send);
  }

  @Test
  void shouldNotWrapCreditOnEndlessGrants() {
    agree();
    flow.open(credit);
    credit.send = Credit.UNLIMITED - 5;
    flow.granted(credit, 0xFFFF_FFFFL);
    assertEquals(Credit.UNLIMITED - 1, credit.send);
  }

  @Test
  void shouldReportDataBeyondTheWindow() {
    agree();
    flow.open(credit);
    assertEquals(0, flow.received(credit, WINDOW));
    assertEquals(7, flow.received(credit, 7));
  }

  @Test
  void shouldReturnCreditOnceHalfTheWindowIsWritten() {
    agree();
    flow.open(credit);
    flow.received(credit, WINDOW);
    assertEquals(0, flow.consumed(credit, WINDOW / 2 - 1));
    assertEquals(WINDOW / 2 + 1, flow.consumed(credit, 2), "everything written since the last WINDOW");
    assertEquals(WINDOW / 2 + 1, credit.receive);
    assertEquals(0, credit.unreported);
  }

  @Test
  void shouldStayOffWhenOurExtensionsAreOff() {
    FlowControl off = new FlowControl(false, WINDOW, new Negotiation(false));
    off.open(credit);
    assertFalse(off.active());
    assertEquals(Credit.UNLIMITED, credit.send);
    assertEquals(0, off.initialGrant());
  }

  private void agree() {
    negotiation.decide(Extensions.hello(Extensions.ALL_FEATURES));
  }
}

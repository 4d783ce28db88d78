package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.bridge.internal.StreamState.Live;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Local EOF, the peer's FIN and CLOSE, and draining, against a recording channel and a recording port. */
class HalfCloseTest {
  private final RecordingChannel channel = new RecordingChannel();
  private final Outbound outbound = new Outbound(channel, new Counters(), new ManualTicker(), 0);
  private final Negotiation negotiation = new Negotiation(true);
  private final List<String> port = new ArrayList<>();
  private final HalfClose halfClose = new HalfClose(negotiation, outbound, new HalfClose.Port() {
    @Override
    public void shutdownOutput(Stream stream) {
      stream.outputShut = true;
      port.add("shutdownOutput " + stream.id);
    }

    @Override
    public void finish(Stream stream, String reason) {
      stream.end(reason, false);
      port.add("finish " + stream.id + ": " + reason);
    }
  });
  private final TestStreams streams;

  HalfCloseTest() throws Exception {
    streams = new TestStreams();
  }

  @AfterEach
  void tearDown() throws Exception {
    streams.close();
  }

  @Test
  void shouldDeferALocalEofUntilThePeerIsKnownThenSendFin() throws Exception {
    Stream stream = streams.stream(3);
    halfClose.localEof(stream);
    assertEquals(Live.EOF_DEFERRED, stream.state());
    assertEquals(List.of(), channel.events(), "nothing said before the peer is known");
    negotiation.decide(Extensions.hello(Extensions.ALL_FEATURES));
    halfClose.negotiated(stream);
    assertEquals(Live.FIN_SENT, stream.state());
    assertEquals(List.of("12000300000000000100" + "00"), channel.hex, "FIN, socket 3, no chunk id taken");
  }

  @Test
  void shouldSettleADeferredEofTheOriginalWayWithAnOriginalPeer() throws Exception {
    Stream stream = streams.stream(3);
    halfClose.localEof(stream);
    negotiation.decide(Frame.encode(Frame.EVENT_CONNECT, 3, 0, 0, 1, ByteBuffer.allocate(0)));
    halfClose.negotiated(stream);
    assertEquals(List.of("CLOSE"), channel.events());
    assertEquals(List.of("finish 3: closed by local application"), port);
  }

  @Test
  void shouldEndOnceBothSidesSentFinAndEverythingIsWritten() throws Exception {
    negotiation.decide(Extensions.hello(Extensions.ALL_FEATURES));
    Stream stream = streams.stream(5);
    stream.pending.add(ByteBuffer.wrap(new byte[10]));
    halfClose.peerFin(stream);
    assertEquals(Live.FIN_RECEIVED, stream.state());
    assertEquals(List.of(), port, "the output is shut only after the 10 pending bytes");
    stream.pending.clear();
    halfClose.flushed(stream);
    assertEquals(List.of("shutdownOutput 5"), port);
    halfClose.localEof(stream);
    assertEquals(List.of("FIN"), channel.events());
    assertEquals(List.of("shutdownOutput 5", "finish 5: closed"), port);
  }

  @Test
  void shouldIgnoreFinWithoutHalfClose() throws Exception {
    negotiation.decide(Extensions.hello(Extensions.FEATURE_FLOW_CONTROL));
    Stream stream = streams.stream(5);
    halfClose.peerFin(stream);
    assertEquals(Live.OPEN, stream.state());
    assertEquals(List.of(), port);
  }

  @Test
  void shouldCloseAfterLocalEofWithoutHalfCloseOnceReceivedBytesAreWritten() throws Exception {
    negotiation.decide(Extensions.hello(Extensions.FEATURE_FLOW_CONTROL));
    Stream stream = streams.stream(9);
    stream.pending.add(ByteBuffer.wrap(new byte[3]));
    halfClose.localEof(stream);
    assertEquals(Live.CLOSE_SENT, stream.state());
    assertEquals(List.of("01000900000000000100" + "00"), channel.hex, "CLOSE, socket 9, its first chunk id");
    assertEquals(List.of(), port);
    stream.pending.clear();
    halfClose.flushed(stream);
    assertEquals(List.of("finish 9: closed by local application"), port);
  }

  @Test
  void shouldFinishAPeerCloseOnlyOnceTheDialIsDone() throws Exception {
    negotiation.decide(Extensions.hello(Extensions.ALL_FEATURES));
    Stream stream = streams.stream(2);
    stream.connected = false; // host, still dialing
    halfClose.peerClose(stream);
    assertEquals(Live.CLOSE_RECEIVED, stream.state());
    assertEquals(List.of(), port);
    stream.connected = true;
    halfClose.flushed(stream);
    assertEquals(List.of("finish 2: closed by peer"), port);
  }
}

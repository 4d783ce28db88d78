package dev.p2ptunnel.bridge.internal;

import static dev.p2ptunnel.bridge.internal.EmbeddedBridgeTest.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.DecodedFrame;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.Resumption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An embedded client engine driven frame by frame by a scripted host, on virtual time: negotiation, the credit and
 * EOF rules before the host is known, keepalive to the nanosecond.
 */
class ClientProtocolTest {
  private static final byte[] NONE = new byte[0];

  private final World world = new World();
  private final Recorder events = new Recorder();
  private Engine client;
  private PeerScript host;
  private InetSocketAddress address;

  @BeforeEach
  void setUp() throws IOException {
    ManualChannel.Pair pair = world.pair();
    ServerSocketChannel server = World.listen();
    address = (InetSocketAddress) server.getLocalAddress();
    client = world.client(pair.first(), server, BridgeConfig.builder().listener(events).build(), 0);
    host = new PeerScript(pair.second());
  }

  @AfterEach
  void tearDown() throws IOException {
    world.close();
  }

  @Test
  void shouldAnnounceItselfFirstAndOpenSocketsWithConnectAndTheRestOfItsWindow() throws Exception {
    world.connect(address);
    world.until(() -> host.received.size() == 4, "HELLO, SESSION, CONNECT, WINDOW");
    assertEquals(List.of("HELLO 0/0", "SESSION 0/0", "CONNECT 0/0", "WINDOW 0/0"), host.describe());
    // The base features, resume and named services; no datagrams: this test's channel cannot open a datagram
    // transport.
    assertEquals(Extensions.SUPPORTED_FEATURES | Extensions.FEATURE_RESUME | Extensions.FEATURE_SERVICES,
        Extensions.helloFeatures(Frame.encode(Frame.EVENT_HELLO, 0, 0, 0, 1, host.received.get(0).payload())));
    Resumption.Session session = Resumption.session(Frame.encode(Frame.EVENT_SESSION, 0, 0, 0, 1,
        host.received.get(1).payload()));
    assertEquals(0, session.peerBridgeId(), "nobody known before");
    assertEquals(0, session.channel(), "the first channel");
    assertEquals(1 << 20, session.window());
    assertEquals((1 << 20) - Extensions.INITIAL_WINDOW,
        Extensions.windowIncrement(Frame.encode(Frame.EVENT_WINDOW, 0, 0, 0, 1, host.received.get(3).payload())));
  }

  @Test
  void shouldSendExactlyWhatItSentBeforeResumingExistedWhenResumingIsOff() throws Exception {
    ManualChannel.Pair pair = world.pair();
    ServerSocketChannel server = World.listen();
    world.client(pair.first(), server, BridgeConfig.builder().resumeGrace(Duration.ZERO).build(), 0);
    PeerScript plain = new PeerScript(pair.second());
    world.connect((InetSocketAddress) server.getLocalAddress());
    world.until(() -> plain.received.size() == 3, "HELLO, CONNECT, WINDOW");
    assertEquals(List.of("HELLO 0/0", "CONNECT 0/0", "WINDOW 0/0"), plain.describe());
    // Without resuming, the HELLO is byte for byte the one of a bridge without the resume extension: the supported
    // features (coalescing included) and named services, no datagrams over this channel.
    assertEquals("10 0000 0000 0000 0001 0005 01 0000010f".replace(" ", ""),
        java.util.HexFormat.of().formatHex(Frame.encode(Frame.EVENT_HELLO, 0, 0, 0, 1,
            plain.received.get(0).payload()).array()), "the HELLO without resume, byte for byte");
  }

  @Test
  void shouldSendNoMoreThanTheInitialWindowUntilAnOriginalHostAnswers() throws Exception {
    Endpoint app = world.connect(address).write(new byte[1 << 20]);
    world.until(() -> dataBytes() == Extensions.INITIAL_WINDOW, "the initial window");
    world.settle();
    assertEquals(Extensions.INITIAL_WINDOW, dataBytes(), "no more before the host is known");
    host.send(Frame.EVENT_CONNECT, 0, 0, NONE); // an original host's answer: no HELLO, no flow control
    world.until(() -> dataBytes() == 1 << 20, "the rest once the limit is lifted");
    assertEquals(List.of("negotiated 0"), events.starting("negotiated"));
    assertTrue(app.written());
  }

  @Test
  void shouldDeferALocalEofUntilTheHostIsKnownThenSendFin() throws Exception {
    Endpoint app = world.connect(address).write(ascii("request")).shutdownOutputWhenWritten();
    world.until(() -> client.socketState(0) == StreamState.Live.EOF_DEFERRED
        && host.has(f -> f.event() == Frame.EVENT_DATA), "the request sent, the EOF read and deferred");
    assertFalse(host.has(f -> f.event() == Frame.EVENT_FIN || f.event() == Frame.EVENT_CLOSE),
        "EOF waits: FIN or CLOSE depends on what the host is");
    host.send(Extensions.hello(Extensions.ALL_FEATURES));
    world.until(() -> host.has(f -> f.event() == Frame.EVENT_FIN), "FIN once the host is known");
    host.send(Frame.EVENT_CONNECT, 0, 0, NONE);
    host.send(Frame.EVENT_DATA, 0, 1, ascii("response"));
    host.send(Extensions.fin(0));
    world.until(app::eof, "the response and its EOF");
    assertEquals("response", new String(app.received(), java.nio.charset.StandardCharsets.US_ASCII));
    world.until(() -> client.stats().openSockets() == 0, "the socket ended: FIN both ways");
    assertEquals(List.of("closed 0: closed"), events.starting("closed"));
  }

  @Test
  void shouldSettleADeferredEofWithCloseWhenTheHostIsOriginal() throws Exception {
    world.connect(address).write(ascii("request")).shutdownOutputWhenWritten();
    world.until(() -> client.socketState(0) == StreamState.Live.EOF_DEFERRED, "the EOF read and deferred");
    host.send(Frame.EVENT_CONNECT, 0, 0, NONE);
    world.until(() -> host.has(f -> f.event() == Frame.EVENT_CLOSE), "CLOSE, the original protocol's EOF");
    DecodedFrame close = host.take(f -> f.event() == Frame.EVENT_CLOSE, "CLOSE");
    assertEquals(2, close.chunkId(), "CONNECT, DATA, CLOSE: each took the socket's next chunk id");
  }

  @Test
  void shouldDeclareASilentHostDeadExactlyAtTheKeepaliveTimeout() throws Exception {
    host.send(Extensions.hello(Extensions.ALL_FEATURES)); // announces keepalive (no resume), then never answers
    Endpoint app = world.connect(address);
    world.until(() -> host.has(f -> f.event() == Frame.EVENT_CONNECT), "the socket open");
    world.settle(); // the client has seen its queue drain (the last sign of life), still at time 0
    world.deliver = false; // the network is gone: nothing the client sends is taken any more
    world.advance(Duration.ofMillis(4_999));
    assertEquals(0, pings(), "no PING before the interval");
    world.advance(Duration.ofMillis(1));
    assertEquals(1, pings());
    world.advance(Duration.ofMillis(9_999));
    assertTrue(client.isOpen(), "alive until the timeout");
    assertEquals(2, pings(), "one per interval");
    world.advance(Duration.ofMillis(1));
    assertEquals("peer did not answer keepalive within 15000 ms", client.closedFuture().getNow(null));
    world.until(app::ended, "the application sees the end");
    assertTrue(app.reset());
    assertEquals(1L, client.stats().errors().get(ErrorKind.KEEPALIVE_TIMEOUT));
  }

  @Test
  void shouldGiveAHostThatTakesMessagesButNeverAnswersFourTimeouts() throws Exception {
    // Its transport takes everything (the send queue drains), its bridge says nothing: a stuck peer process.
    host.send(Extensions.hello(Extensions.ALL_FEATURES));
    world.connect(address);
    world.until(() -> host.has(f -> f.event() == Frame.EVENT_CONNECT), "the socket open");
    world.advance(Duration.ofSeconds(59));
    assertTrue(client.isOpen(), "the drained queue counts as life");
    world.advance(Duration.ofSeconds(1));
    assertEquals("peer sent nothing for 60000 ms though its transport still carried (keepalive)",
        client.closedFuture().getNow(null));
  }

  @Test
  void shouldAnswerPingAndTakeAnyMessageAsLife() throws Exception {
    host.send(Extensions.hello(Extensions.ALL_FEATURES));
    host.send(Extensions.ping(false, 42));
    world.until(() -> host.has(f -> f.event() == Frame.EVENT_PONG), "the PONG");
    DecodedFrame pong = host.take(f -> f.event() == Frame.EVENT_PONG, "PONG");
    assertEquals(42, Extensions.pingNonce(Frame.encode(Frame.EVENT_PONG, 0, 0, 0, 1, pong.payload())));
    for (int i = 0; i < 15; i++) {
      world.advance(Duration.ofSeconds(4));
      host.send(Extensions.ping(true, i)); // any message: here an unsolicited PONG
      world.step();
    }
    assertTrue(client.isOpen(), "60 s, never silent for 5");
    assertFalse(host.has(f -> f.event() == Frame.EVENT_PING));
  }

  @Test
  void shouldIgnoreAConnectForASocketItDoesNotKnow() throws Exception {
    host.send(Extensions.hello(Extensions.ALL_FEATURES));
    host.send(Frame.EVENT_CONNECT, 77, 0, NONE);
    host.send(Frame.EVENT_DATA, 78, 0, ascii("late"));
    world.settle();
    assertTrue(client.isOpen());
    assertEquals(java.util.Map.of(), client.stats().errors());
  }

  /** PINGs the client sent, whether or not they reached the host. */
  private long pings() {
    return host.received.stream().filter(f -> f.event() == Frame.EVENT_PING).count()
        + ((ManualChannel) host.channel).waiting(Frame.EVENT_PING);
  }

  /** DATA payload bytes the host received on socket 0. */
  private long dataBytes() {
    return host.received.stream().filter(f -> f.event() == Frame.EVENT_DATA && f.socketId() == 0)
        .mapToLong(f -> f.payload().remaining()).sum();
  }
}

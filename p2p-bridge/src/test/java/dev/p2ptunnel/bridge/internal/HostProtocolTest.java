package dev.p2ptunnel.bridge.internal;

import static dev.p2ptunnel.bridge.internal.EmbeddedBridgeTest.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Chunker;
import dev.p2ptunnel.protocol.DecodedFrame;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An embedded host engine driven frame by frame by a scripted client: the original protocol, byte for byte, and abuse.
 * The service says who it is, then echoes, and the test reads what it received.
 */
class HostProtocolTest {
  private static final byte[] NONE = new byte[0];

  private final World world = new World();
  private LocalService service;
  /** The pair of the last scripted host: first() is the host's end. */
  private ManualChannel.Pair pair;

  @BeforeEach
  void setUp() throws IOException {
    service = world.service(new LocalService(connection -> {
      connection.echo = true;
      connection.write(ascii("hi\n"));
    }));
  }

  @AfterEach
  void tearDown() throws IOException {
    world.close();
  }

  /** An original host (extensions off) with a scripted client. */
  private PeerScript original(Engine[] host) throws IOException {
    return scripted(BridgeConfig.builder().extensions(false).build(), host);
  }

  private PeerScript scripted(BridgeConfig config, Engine[] host) throws IOException {
    pair = world.pair();
    host[0] = world.host(pair.first(), DialPlan.fixed(service.address()), config);
    return new PeerScript(pair.second());
  }

  /** What the service received, over all connections. */
  private String received() {
    return service.connections.stream().map(c -> new String(c.received(), StandardCharsets.US_ASCII))
        .collect(Collectors.joining());
  }

  @Test
  void shouldAnswerConnectWithConnectThenCarryDataLikeTheOriginalHost() throws Exception {
    Engine[] host = new Engine[1];
    PeerScript client = original(host);
    client.send(Frame.EVENT_CONNECT, 7, 0, NONE);
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_DATA), "the banner");
    assertEquals(List.of("CONNECT 7/0", "DATA 7/1"), client.describe(), "each message takes the next chunk_id");
    DecodedFrame banner = client.take(f -> f.event() == Frame.EVENT_DATA, "the banner");
    assertEquals("hi\n", StandardCharsets.US_ASCII.decode(banner.payload()).toString());
    client.send(Frame.EVENT_DATA, 7, 1, ascii("ping"));
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_DATA), "the echo");
    DecodedFrame echo = client.take(f -> f.event() == Frame.EVENT_DATA, "the echo");
    assertEquals(2, echo.chunkId());
    assertEquals("ping", StandardCharsets.US_ASCII.decode(echo.payload()).toString());
    client.send(Frame.EVENT_CLOSE, 7, 2, NONE);
    world.until(() -> host[0].stats().openSockets() == 0, "the socket closed");
  }

  @Test
  void shouldBufferDataThatArrivesBeforeTheDialCompletes() throws Exception {
    Engine[] host = new Engine[1];
    PeerScript client = original(host);
    client.send(Frame.EVENT_CONNECT, 3, 0, NONE);
    client.send(Frame.EVENT_DATA, 3, 1, ascii("early"));
    world.until(() -> received().equals("early"), "the early data at the service");
  }

  @Test
  void shouldIgnoreDuplicateConnectForALiveSocket() throws Exception {
    Engine[] host = new Engine[1];
    PeerScript client = original(host);
    client.send(Frame.EVENT_CONNECT, 4, 0, NONE);
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_CONNECT), "the answer");
    client.send(Frame.EVENT_CONNECT, 4, 1, NONE);
    client.send(Frame.EVENT_DATA, 4, 2, ascii("still"));
    world.until(() -> received().equals("still"), "the data after the duplicate");
    assertEquals(1L, host[0].stats().errors().get(ErrorKind.DUPLICATE_CONNECT));
    assertEquals(1, host[0].stats().openSockets());
  }

  @Test
  void shouldCloseOnlyTheSocketOfAMalformedFrame() throws Exception {
    Engine[] host = new Engine[1];
    PeerScript client = original(host);
    client.send(Frame.EVENT_CONNECT, 1, 0, NONE);
    client.send(Frame.EVENT_CONNECT, 2, 0, NONE);
    world.until(() -> host[0].stats().openSockets() == 2, "two sockets open");
    client.send(hex("00 0002 0001 0000 0001 0009 616263")); // payload_size says 9, the message has 3 bytes
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_CLOSE), "CLOSE for the broken socket");
    assertEquals(2, client.take(f -> f.event() == Frame.EVENT_CLOSE, "CLOSE").socketId());
    assertEquals(1L, host[0].stats().errors().get(ErrorKind.PAYLOAD_SIZE_MISMATCH));
    assertEquals(1L, host[0].stats().errors().get(ErrorKind.SOCKET_CLOSED_BY_ERROR));
    client.send(Frame.EVENT_DATA, 1, 1, ascii("alive"));
    world.until(() -> received().equals("alive"), "the other socket's data");
    assertTrue(host[0].isOpen());
    assertEquals(1, host[0].stats().openSockets());
  }

  @Test
  void shouldDeliverDataAndCloseWhenClientClosesDuringTheDial() throws Exception {
    // CONNECT, DATA and CLOSE arrive together: the dial is still under way when CLOSE is handled.
    Engine[] host = new Engine[1];
    PeerScript client = original(host);
    client.send(Frame.EVENT_CONNECT, 3, 0, NONE);
    client.send(Frame.EVENT_DATA, 3, 1, ascii("request"));
    client.send(Frame.EVENT_CLOSE, 3, 2, NONE);
    world.until(() -> service.connections.size() == 1 && service.connections.get(0).eof(),
        "the service got the data, then EOF");
    assertEquals("request", received());
    world.until(() -> host[0].stats().openSockets() == 0 && host[0].socketStats().isEmpty(), "the socket ended");
    // The id is free again: a new socket 3 is a new connection, not a duplicate.
    client.send(Frame.EVENT_CONNECT, 3, 0, NONE);
    client.send(Frame.EVENT_DATA, 3, 1, ascii("second"));
    client.send(Frame.EVENT_CLOSE, 3, 2, NONE);
    world.until(() -> service.connections.size() == 2 && service.connections.get(1).eof(), "the second socket");
    assertEquals("requestsecond", received());
    assertEquals(Map.of(), host[0].stats().errors());
  }

  @Test
  void shouldNotCloseSocketZeroForAMalformedChannelLevelMessage() throws Exception {
    Engine[] host = new Engine[1];
    PeerScript client = scripted(BridgeConfig.defaults(), host);
    client.send(Extensions.hello(Extensions.ALL_FEATURES));
    client.send(Frame.EVENT_CONNECT, 0, 0, NONE);
    world.until(() -> host[0].stats().openSockets() == 1, "socket 0 open");
    client.send(hex("13 0000 0000 0000 0001 0001 00")); // PING with a 1-byte nonce
    world.until(() -> host[0].stats().errors().containsKey(ErrorKind.BAD_PAYLOAD), "the bad PING counted");
    assertEquals(1, host[0].stats().openSockets(), "data socket 0 is unaffected");
  }

  @Test
  void shouldSurviveGarbageTooShortToNameASocket() throws Exception {
    Engine[] host = new Engine[1];
    PeerScript client = original(host);
    client.send(Frame.EVENT_CONNECT, 1, 0, NONE);
    client.send(hex("00"));
    client.send(Frame.EVENT_DATA, 1, 1, ascii("ok"));
    world.until(() -> received().equals("ok"), "the data after the garbage");
    assertEquals(1L, host[0].stats().errors().get(ErrorKind.TRUNCATED));
    assertEquals(1, host[0].stats().openSockets());
  }

  @Test
  void shouldReassembleMultiChunkMessagesFromAnOriginalPeer() throws Exception {
    Engine[] host = new Engine[1];
    PeerScript client = original(host);
    client.send(Frame.EVENT_CONNECT, 5, 0, NONE);
    byte[] big = new byte[100_000];
    java.util.Arrays.fill(big, (byte) 'z');
    Chunker chunker = new Chunker();
    chunker.takeChunkId(5); // the CONNECT took chunk id 0
    for (ByteBuffer frame : chunker.encode(Frame.EVENT_DATA, 5, ByteBuffer.wrap(big))) {
      client.send(frame);
    }
    world.until(() -> received().length() == 100_000, "the whole message at the service");
  }

  @Test
  void shouldIgnoreExtensionsWhenTheyAreOff() throws Exception {
    // Configured as an original host: HELLO and WINDOW are unknown events, ignored.
    Engine[] host = new Engine[1];
    PeerScript client = original(host);
    client.send(Extensions.hello(Extensions.ALL_FEATURES));
    client.send(Frame.EVENT_CONNECT, 6, 0, NONE);
    client.send(Extensions.window(6, 1000));
    world.until(() -> client.has(f -> f.event() == Frame.EVENT_CONNECT), "the answer");
    assertFalse(client.has(f -> f.event() == Frame.EVENT_HELLO), "an original host says no HELLO");
    assertEquals(0, host[0].stats().features());
    assertEquals(Map.of(), host[0].stats().errors());
  }

  @Test
  void shouldCloseTheBridgeWhenThePeerSendsFasterThanItIsHandled() throws Exception {
    Recorder events = new Recorder();
    Engine[] host = new Engine[1];
    PeerScript client = scripted(BridgeConfig.builder().listener(events)
        .inboundQueue(BridgeConfig.MIN_INBOUND_QUEUE_BYTES, BridgeConfig.InboundOverflow.CLOSE).build(), host);
    client.send(Extensions.hello(Extensions.ALL_FEATURES)); // 16 bytes
    client.send(Frame.EVENT_CONNECT, 1, 0, NONE); // 11 bytes
    client.send(Frame.EVENT_DATA, 1, 1, new byte[Frame.MAX_PAYLOAD_LENGTH]); // 65 536 bytes
    pair.first().deliver(Integer.MAX_VALUE); // all three reach the host's queue before its loop runs
    host[0].runPending();
    String reason = "inbound queue " + (16 + 11 + 65_536 + 3 * BridgeConfig.INBOUND_MESSAGE_OVERHEAD)
        + " bytes > max " + BridgeConfig.MIN_INBOUND_QUEUE_BYTES
        + ": the peer sends faster than the bridge handles its messages";
    assertEquals(reason, host[0].closedFuture().getNow(null));
    assertEquals(List.of("error INBOUND_OVERFLOW -1: " + reason), events.starting("error"));
    assertEquals(1L, host[0].stats().errors().get(ErrorKind.INBOUND_OVERFLOW));
  }

  private static ByteBuffer hex(String hex) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", "")));
  }
}

package dev.p2ptunnel.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.protocol.DecodedFrame;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A host bridge driven frame by frame by a scripted client: the original protocol, byte for byte, and abuse. */
@Timeout(30)
class HostBridgeProtocolTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final byte[] NONE = new byte[0];

  private final List<String> received = new CopyOnWriteArrayList<>();
  private Services.Service service;
  private HostBridge host;
  private ScriptedPeer client;

  @BeforeEach
  void setUp() throws IOException {
    // A service that says who it is, then echoes lines, and records what it received.
    service = new Services.Service(socket -> {
      try {
        socket.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
        byte[] buffer = new byte[4096];
        int n;
        while ((n = socket.getInputStream().read(buffer)) > 0) {
          received.add(new String(buffer, 0, n, StandardCharsets.US_ASCII));
          socket.getOutputStream().write(buffer, 0, n);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    InMemoryChannel.Pair pair = InMemoryChannel.pair();
    host = HostBridge.start(pair.first(), service.address(), BridgeConfig.builder().extensions(false).build());
    client = new ScriptedPeer(pair.second());
  }

  @AfterEach
  void tearDown() throws IOException {
    host.close();
    service.close();
  }

  @Test
  void shouldAnswerConnectWithConnectThenCarryDataLikeTheOriginalHost() throws Exception {
    client.send(Frame.EVENT_CONNECT, 7, 0, NONE);
    DecodedFrame established = client.await(f -> true, WAIT);
    assertEquals(Frame.EVENT_CONNECT, established.event());
    assertEquals(7, established.socketId());
    assertEquals(0, established.chunkId(), "the host's first message on socket 7");
    DecodedFrame banner = client.await(f -> f.event() == Frame.EVENT_DATA, WAIT);
    assertEquals(1, banner.chunkId(), "each message takes the socket's next chunk_id");
    assertEquals("hi\n", StandardCharsets.US_ASCII.decode(banner.payload()).toString());
    client.send(Frame.EVENT_DATA, 7, 1, "ping".getBytes(StandardCharsets.US_ASCII));
    DecodedFrame echo = client.await(f -> f.event() == Frame.EVENT_DATA, WAIT);
    assertEquals(2, echo.chunkId());
    assertEquals("ping", StandardCharsets.US_ASCII.decode(echo.payload()).toString());
    client.send(Frame.EVENT_CLOSE, 7, 2, NONE);
    assertTrue(waitFor(() -> host.stats().openSockets() == 0));
  }

  @Test
  void shouldBufferDataThatArrivesBeforeTheDialCompletes() throws Exception {
    client.send(Frame.EVENT_CONNECT, 3, 0, NONE);
    client.send(Frame.EVENT_DATA, 3, 1, "early".getBytes(StandardCharsets.US_ASCII));
    assertTrue(waitFor(() -> String.join("", received).equals("early")), received.toString());
  }

  @Test
  void shouldIgnoreDuplicateConnectForALiveSocket() throws Exception {
    client.send(Frame.EVENT_CONNECT, 4, 0, NONE);
    client.await(f -> f.event() == Frame.EVENT_CONNECT, WAIT);
    client.send(Frame.EVENT_CONNECT, 4, 1, NONE);
    client.send(Frame.EVENT_DATA, 4, 2, "still".getBytes(StandardCharsets.US_ASCII));
    assertTrue(waitFor(() -> String.join("", received).equals("still")), received.toString());
    assertEquals(1L, host.stats().errors().get(ErrorKind.DUPLICATE_CONNECT));
    assertEquals(1, host.stats().openSockets());
  }

  @Test
  void shouldCloseOnlyTheSocketOfAMalformedFrame() throws Exception {
    client.send(Frame.EVENT_CONNECT, 1, 0, NONE);
    client.send(Frame.EVENT_CONNECT, 2, 0, NONE);
    assertTrue(waitFor(() -> host.stats().openSockets() == 2));
    // payload_size says 9, the message has 3 bytes.
    client.send(hex("00 0002 0001 0000 0001 0009 616263"));
    DecodedFrame close = client.await(f -> f.event() == Frame.EVENT_CLOSE, WAIT);
    assertEquals(2, close.socketId());
    assertEquals(1L, host.stats().errors().get(ErrorKind.PAYLOAD_SIZE_MISMATCH));
    client.send(Frame.EVENT_DATA, 1, 1, "alive".getBytes(StandardCharsets.US_ASCII));
    assertTrue(waitFor(() -> String.join("", received).equals("alive")), received.toString());
    assertTrue(host.isOpen());
    assertEquals(1, host.stats().openSockets());
  }

  @Test
  void shouldDeliverDataAndCloseWhenClientClosesDuringTheDial() throws Exception {
    // CONNECT, DATA and CLOSE arrive together: the dial is still under way when CLOSE is handled.
    List<String> eofs = new CopyOnWriteArrayList<>();
    try (Services.Service recorder = new Services.Service(socket -> {
          try {
            eofs.add(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })) {
      InMemoryChannel.Pair pair = InMemoryChannel.pair();
      try (HostBridge other = HostBridge.start(pair.first(), recorder.address(),
          BridgeConfig.builder().extensions(false).build())) {
        ScriptedPeer peer = new ScriptedPeer(pair.second());
        peer.send(Frame.EVENT_CONNECT, 3, 0, NONE);
        peer.send(Frame.EVENT_DATA, 3, 1, "request".getBytes(StandardCharsets.US_ASCII));
        peer.send(Frame.EVENT_CLOSE, 3, 2, NONE);
        assertTrue(waitFor(() -> eofs.contains("request")), "the service got the data, then EOF: " + eofs);
        assertTrue(waitFor(() -> other.stats().openSockets() == 0 && other.socketStats().isEmpty()));
        // The id is free again: a new socket 3 is a new connection, not a duplicate.
        peer.send(Frame.EVENT_CONNECT, 3, 0, NONE);
        peer.send(Frame.EVENT_DATA, 3, 1, "second".getBytes(StandardCharsets.US_ASCII));
        peer.send(Frame.EVENT_CLOSE, 3, 2, NONE);
        assertTrue(waitFor(() -> eofs.contains("second")), eofs.toString());
        assertEquals(java.util.Map.of(), other.stats().errors());
      }
    }
  }

  @Test
  void shouldNotCloseSocketZeroForAMalformedChannelLevelMessage() throws Exception {
    InMemoryChannel.Pair pair = InMemoryChannel.pair();
    try (HostBridge extended = HostBridge.start(pair.first(), service.address(), BridgeConfig.defaults())) {
      ScriptedPeer peer = new ScriptedPeer(pair.second());
      peer.send(Extensions.hello(Extensions.ALL_FEATURES));
      peer.send(Frame.EVENT_CONNECT, 0, 0, NONE);
      assertTrue(waitFor(() -> extended.stats().openSockets() == 1));
      peer.send(hex("13 0000 0000 0000 0001 0001 00")); // PING with a 1-byte nonce
      assertTrue(waitFor(() -> extended.stats().errors().containsKey(ErrorKind.BAD_PAYLOAD)));
      assertEquals(1, extended.stats().openSockets(), "data socket 0 is unaffected");
    }
  }

  @Test
  void shouldSurviveGarbageTooShortToNameASocket() throws Exception {
    client.send(Frame.EVENT_CONNECT, 1, 0, NONE);
    client.send(hex("00"));
    client.send(Frame.EVENT_DATA, 1, 1, "ok".getBytes(StandardCharsets.US_ASCII));
    assertTrue(waitFor(() -> String.join("", received).equals("ok")), received.toString());
    assertEquals(1L, host.stats().errors().get(ErrorKind.TRUNCATED));
    assertEquals(1, host.stats().openSockets());
  }

  @Test
  void shouldReassembleMultiChunkMessagesFromAnOriginalPeer() throws Exception {
    client.send(Frame.EVENT_CONNECT, 5, 0, NONE);
    client.await(f -> f.event() == Frame.EVENT_CONNECT, WAIT);
    byte[] big = new byte[100_000];
    java.util.Arrays.fill(big, (byte) 'z');
    for (ByteBuffer frame : chunkerAt(5, 1).encode(Frame.EVENT_DATA, 5, ByteBuffer.wrap(big))) {
      client.send(frame);
    }
    assertTrue(waitFor(() -> received.stream().mapToInt(String::length).sum() == 100_000));
  }

  @Test
  void shouldIgnoreExtensionsWhenTheyAreOff() throws Exception {
    // Configured as an original host: HELLO and WINDOW are unknown events, ignored.
    client.send(Extensions.hello(Extensions.ALL_FEATURES));
    client.send(Frame.EVENT_CONNECT, 6, 0, NONE);
    client.send(Extensions.window(6, 1000));
    client.await(f -> f.event() == Frame.EVENT_CONNECT, WAIT);
    assertEquals(0, host.stats().features());
    assertEquals(java.util.Map.of(), host.stats().errors());
  }

  private static dev.p2ptunnel.protocol.Chunker chunkerAt(int socketId, int chunkId) {
    dev.p2ptunnel.protocol.Chunker chunker = new dev.p2ptunnel.protocol.Chunker();
    for (int i = 0; i < chunkId; i++) {
      chunker.takeChunkId(socketId);
    }
    return chunker;
  }

  private static ByteBuffer hex(String hex) {
    return ByteBuffer.wrap(java.util.HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }
}

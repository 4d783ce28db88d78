package dev.p2ptunnel.bridge.internal;

import static dev.p2ptunnel.bridge.internal.EmbeddedBridgeTest.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Coalesced messages through embedded engines (docs/PROTOCOL.md, "Coalescing"): what is ready in one turn shares
 * messages, only between peers that both announced it; received coalesced messages are split, and a bad frame in one
 * closes only its socket.
 */
class CoalescingBridgeTest {
  private static final byte[] NONE = new byte[0];

  private final World world = new World();

  @AfterEach
  void tearDown() throws IOException {
    world.close();
  }

  @Test
  void shouldCarryManySocketsInFewerMessagesThanFrames() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = world.tunnel(echo.address());
    world.until(() -> tunnel.client().stats().features() != 0, "negotiated");
    List<Endpoint> apps = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      apps.add(world.connect(tunnel.address()));
    }
    world.until(() -> tunnel.host().stats().openSockets() == 50, "50 sockets at the host");
    world.settle();
    long before = tunnel.client().stats().messagesToPeer();
    for (int i = 0; i < apps.size(); i++) {
      apps.get(i).write(ascii("request " + i + "\n"));
    }
    world.until(() -> apps.stream().allMatch(a -> a.receivedCount() > 0
        && a.receivedCount() == ("request " + apps.indexOf(a) + "\n").length()), "every echo");
    for (int i = 0; i < apps.size(); i++) {
      assertEquals("request " + i + "\n", new String(apps.get(i).received(), StandardCharsets.US_ASCII));
    }
    long messages = tunnel.client().stats().messagesToPeer() - before;
    assertTrue(messages < 50, "50 requests written before one turn took " + messages + " messages");
    assertEquals(Map.of(), tunnel.client().stats().errors());
    assertEquals(Map.of(), tunnel.host().stats().errors());
  }

  @Test
  void shouldMoveBulkAndSmallDataIntactInMessagesUpToTheChannelsLimit() throws Exception {
    LocalService echo = world.service(LocalService.echo());
    BridgeConfig config = BridgeConfig.builder().maxCoalescedBytes(256 * 1024).build();
    World.Tunnel tunnel = world.tunnel(echo.address(), config, config,
        ManualChannel.pair(4 << 20, 1 << 20, 256 * 1024), 0);
    List<Endpoint> apps = new ArrayList<>();
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] data = EmbeddedBridgeTest.random(i % 4 == 0 ? 3 << 20 : new Random(i).nextInt(3_000) + 1, i);
      sent.add(data);
      apps.add(world.connect(tunnel.address()).write(data).shutdownOutputWhenWritten());
    }
    world.until(() -> apps.stream().allMatch(Endpoint::eof), "every echo and its EOF");
    for (int i = 0; i < apps.size(); i++) {
      assertArrayEquals(sent.get(i), apps.get(i).received(), "socket " + i);
    }
    assertEquals(Map.of(), tunnel.client().stats().errors());
  }

  @Test
  void shouldSendOneFramePerMessageToAPeerThatDidNotAnnounceCoalescing() throws Exception {
    ManualChannel.Pair pair = world.pair();
    LocalService service = world.service(new LocalService(c -> c.write(ascii("a")).write(ascii("b"))));
    Engine host = world.host(pair.first(), DialPlan.fixed(service.address()), BridgeConfig.defaults());
    PeerScript client = new PeerScript(pair.second());
    client.send(Extensions.hello(Extensions.ALL_FEATURES)); // flow control, half-close, keepalive: no coalescing
    client.send(Frame.EVENT_CONNECT, 1, 0, NONE);
    client.send(Frame.EVENT_CONNECT, 2, 0, NONE);
    world.until(() -> client.received.stream().filter(f -> f.event() == Frame.EVENT_DATA).count() >= 2,
        "data of both sockets");
    assertTrue(client.framesPerMessage.stream().allMatch(n -> n == 1), "one frame per message");
    assertEquals(Extensions.ALL_FEATURES, host.stats().features());
  }

  @Test
  void shouldCoalesceTowardsAPeerThatAnnouncedIt() throws Exception {
    ManualChannel.Pair pair = world.pair();
    LocalService service = world.service(new LocalService(c -> c.write(ascii("banner\n"))));
    Engine host = world.host(pair.first(), DialPlan.fixed(service.address()), BridgeConfig.defaults());
    PeerScript client = new PeerScript(pair.second());
    client.splitting = true;
    client.send(Extensions.hello(Extensions.SUPPORTED_FEATURES));
    world.until(() -> host.stats().features() == Extensions.SUPPORTED_FEATURES, "negotiated");
    world.deliver = false; // the CONNECTs arrive together: the host's answers leave in the same turn
    for (int socket = 1; socket <= 3; socket++) {
      client.send(Frame.EVENT_CONNECT, socket, 0, NONE);
    }
    pair.first().deliver(Integer.MAX_VALUE);
    world.deliver = true;
    world.until(() -> client.received.stream().filter(f -> f.event() == Frame.EVENT_CONNECT).count() == 3,
        "three answers");
    assertTrue(client.framesPerMessage.stream().anyMatch(n -> n > 1),
        "answers to CONNECTs handled in one turn share a message: " + client.framesPerMessage);
  }

  @Test
  void shouldSplitACoalescedMessageAndCloseOnlyTheSocketOfABadFrame() throws Exception {
    Recorder events = new Recorder();
    ManualChannel.Pair pair = world.pair();
    LocalService service = world.service(new LocalService(c -> c.echo = false));
    Engine host = world.host(pair.first(), DialPlan.fixed(service.address()),
        BridgeConfig.builder().listener(events).build());
    PeerScript client = new PeerScript(pair.second());
    client.splitting = true;
    client.send(Extensions.hello(Extensions.SUPPORTED_FEATURES));
    // CONNECT 1, CONNECT 2, CONNECT 3 in one message.
    client.send(hex("02 0001 0000 0000 0001 0000" + "02 0002 0000 0000 0001 0000" + "02 0003 0000 0000 0001 0000"));
    world.until(() -> service.connections.size() == 3 && host.stats().openSockets() == 3, "three sockets dialed");
    // DATA "one" on 1; socket 2's DATA says total_chunks 0; DATA "three" on 3: one message.
    client.send(hex("00 0001 0001 0000 0001 0003 6f6e65" + "00 0002 0001 0000 0000 0001 78"
        + "00 0003 0001 0000 0001 0005 7468726565"));
    world.until(() -> host.stats().openSockets() == 2 && received(service).length() == 8, "socket 2 closed, data");
    assertEquals(List.of("one", "three"), receivedEach(service));
    assertEquals(1L, host.stats().errors().get(ErrorKind.ZERO_TOTAL_CHUNKS));
    assertEquals(List.of("error ZERO_TOTAL_CHUNKS 2: total_chunks 0 < min 1 (socket 2, chunk 1)",
        "error SOCKET_CLOSED_BY_ERROR 2: total_chunks 0 < min 1 (socket 2, chunk 1)"), events.starting("error"));
    // A payload reaching past the end of the message: the last frame only (socket 3); socket 1 goes on.
    client.send(hex("00 0001 0002 0000 0001 0001 21" + "00 0003 0002 0000 0001 0009 6869"));
    world.until(() -> host.stats().openSockets() == 1, "socket 3 closed");
    world.until(() -> received(service).length() == 9, "socket 1's byte before it");
    assertEquals(List.of("one!", "three"), receivedEach(service));
    assertEquals(1L, host.stats().errors().get(ErrorKind.PAYLOAD_SIZE_MISMATCH));
  }

  @Test
  void shouldTreatAMultiFrameMessageAsMalformedWithoutCoalescing() throws Exception {
    // An original peer's rule: one frame per message; two frames in one are a size mismatch of the first socket.
    ManualChannel.Pair pair = world.pair();
    LocalService service = world.service(new LocalService(c -> c.echo = false));
    Engine host = world.host(pair.first(), DialPlan.fixed(service.address()), BridgeConfig.defaults());
    PeerScript client = new PeerScript(pair.second());
    client.send(Extensions.hello(Extensions.ALL_FEATURES));
    client.send(hex("02 0001 0000 0000 0001 0000" + "02 0002 0000 0000 0001 0000"));
    world.until(() -> host.stats().errors().containsKey(ErrorKind.PAYLOAD_SIZE_MISMATCH), "the error");
    assertEquals(0, host.stats().openSockets());
  }

  private static String received(LocalService service) {
    return service.connections.stream().map(c -> new String(c.received(), StandardCharsets.US_ASCII))
        .collect(Collectors.joining());
  }

  /** What each connection of the service received, those that received anything, sorted. */
  private static List<String> receivedEach(LocalService service) {
    return service.connections.stream().map(c -> new String(c.received(), StandardCharsets.US_ASCII))
        .filter(s -> !s.isEmpty()).sorted().toList();
  }

  private static ByteBuffer hex(String hex) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", "")));
  }
}

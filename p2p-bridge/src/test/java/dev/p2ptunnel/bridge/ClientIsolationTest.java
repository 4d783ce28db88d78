package dev.p2ptunnel.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two clients of one host, each with its own bridge over its own channel, as a host with {@code maxClients 2} runs
 * them: one floods, the host disconnects it, and the other's connections never notice. Threaded bridges over
 * {@link InMemoryChannel}s; the flooder writes raw frames.
 */
class ClientIsolationTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** A client that talks to its host in raw frames. */
  private static final class RawClient implements MessageChannel.Listener, AutoCloseable {
    final InMemoryChannel channel;
    volatile String closed;

    RawClient(InMemoryChannel channel) {
      this.channel = channel;
      channel.start(this);
      channel.send(Extensions.hello(Extensions.ALL_FEATURES | Extensions.FEATURE_SERVICES));
    }

    @Override
    public void onMessage(ByteBuffer message) {}

    @Override
    public void onWritable() {}

    @Override
    public void onClosed(String reason) {
      closed = reason;
    }

    @Override
    public void close() {
      channel.close("test over");
    }
  }

  private static String echo(InetSocketAddress address, String line) throws IOException {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout((int) PATIENCE.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] back = in.readNBytes(line.length() + 1);
      return new String(back, StandardCharsets.US_ASCII).strip();
    }
  }

  private static String awaitClosed(HostBridge bridge) throws InterruptedException {
    String reason = bridge.awaitClosed(PATIENCE);
    assertNotNull(reason, "the flooder's bridge closed");
    return reason;
  }

  @Test
  void shouldDisconnectAConnectFlooderWithoutTouchingTheOtherClient() throws Exception {
    try (Services.Service service = Services.echo()) {
      HostServices shared = HostServices.of(Service.tcp("echo", service.address().getPort()));
      BridgeConfig hostConfig = BridgeConfig.builder()
          .peerLimits(PeerLimits.defaults().withConnects(new RateLimit(50, 100))).build();
      InMemoryChannel.Pair one = InMemoryChannel.pair();
      InMemoryChannel.Pair two = InMemoryChannel.pair();
      try (HostBridge host1 = HostBridge.start(one.first(), shared, hostConfig);
          HostBridge host2 = HostBridge.start(two.first(), shared, hostConfig);
          ClientBridge client2 = ClientBridge.start(two.second(), new InetSocketAddress(
              InetAddress.getLoopbackAddress(), 0), BridgeConfig.defaults());
          RawClient flooder = new RawClient(one.second())) {
        InetSocketAddress port = client2.localAddress();
        assertEquals("before", echo(port, "before"));
        for (int id = 0; id < 5_000 && flooder.closed == null; id++) {
          flooder.channel.send(Frame.encode(Frame.EVENT_CONNECT, id, 0, 0, 1, ByteBuffer.allocate(0)));
          flooder.channel.send(Frame.encode(Frame.EVENT_CLOSE, id, 1, 0, 1, ByteBuffer.allocate(0)));
          if (id % 100 == 0) {
            assertEquals("during " + id, echo(port, "during " + id));
          }
        }
        assertEquals("peer sent CONNECT and CLOSE messages faster than 50/s (burst 100) and kept on after being "
            + "refused: closed to protect the host", awaitClosed(host1));
        assertEquals(1L, host1.stats().errors().get(ErrorKind.FLOOD));
        assertEquals("after", echo(port, "after"));
        assertTrue(host2.isOpen());
        assertEquals(Map.of(), host2.stats().errors(), "the other client's bridge saw nothing wrong");
      }
    }
  }

  @Test
  void shouldCloseOnlyTheBridgeWhoseInboundQueueOverflows() throws Exception {
    try (Services.Service service = Services.echo()) {
      HostServices shared = HostServices.of(Service.tcp("echo", service.address().getPort()));
      // A queue of 50 messages: DATA for sockets that do not exist is not rate-limited, only queued.
      BridgeConfig hostConfig = BridgeConfig.builder().maxInboundQueueMessages(50).build();
      InMemoryChannel.Pair one = InMemoryChannel.pair();
      InMemoryChannel.Pair two = InMemoryChannel.pair();
      try (HostBridge host1 = HostBridge.start(one.first(), shared, hostConfig);
          HostBridge host2 = HostBridge.start(two.first(), shared, hostConfig);
          ClientBridge client2 = ClientBridge.start(two.second(), new InetSocketAddress(
              InetAddress.getLoopbackAddress(), 0), BridgeConfig.defaults());
          RawClient flooder = new RawClient(one.second())) {
        InetSocketAddress port = client2.localAddress();
        ByteBuffer junk = Frame.encode(Frame.EVENT_DATA, 9, 0, 0, 1, ByteBuffer.allocate(1));
        for (int i = 0; i < 1_000_000 && host1.isOpen(); i++) {
          flooder.channel.send(junk);
          if (i % 20_000 == 0) {
            assertEquals("during " + i, echo(port, "during " + i));
          }
        }
        String reason = awaitClosed(host1);
        assertTrue(reason.startsWith("inbound queue ") && reason.endsWith(" messages > max 50: the peer sends "
            + "faster than the bridge handles its messages"), reason);
        assertEquals("after", echo(port, "after"));
        assertTrue(host2.isOpen());
        assertEquals(Map.of(), host2.stats().errors());
      }
    }
  }
}

package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.bridge.DatagramTransport;
import dev.p2ptunnel.protocol.Datagrams;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The datagram channel's states, the few datagrams kept while it opens, and the exact bytes it sends. */
class DatagramLinkTest {
  private final List<ByteBuffer> sent = new ArrayList<>();
  private final DatagramLink link = new DatagramLink(new DatagramInbox(() -> {}));

  private final DatagramTransport transport = new DatagramTransport() {
    @Override
    public int maxMessageLength() {
      return 20;
    }

    @Override
    public void start(Listener listener) {}

    @Override
    public boolean send(ByteBuffer message) {
      ByteBuffer copy = ByteBuffer.allocate(message.remaining());
      copy.put(0, message, message.position(), message.remaining());
      sent.add(copy);
      return true;
    }

    @Override
    public void close(String reason) {}
  };

  private DatagramLink.Sent send(int serviceId, int flowId, byte... payload) {
    link.readBuffer().put(payload);
    return link.send(serviceId, flowId, payload.length);
  }

  @Test
  void shouldDropEverythingBeforeTheChannelIsNegotiated() {
    assertEquals(DatagramLink.Sent.DROPPED, send(1, 2, (byte) 7));
    assertEquals("the peer has no datagram channel (an original peer, or one without UDP)", link.notOpenReason());
  }

  @Test
  void shouldKeepAFewDatagramsWhileTheChannelOpensAndSendThemOnceOpen() {
    link.opening();
    for (int i = 0; i < DatagramLink.EARLY_MESSAGES; i++) {
      assertEquals(DatagramLink.Sent.SENT, send(1, i, (byte) i));
    }
    assertEquals(DatagramLink.Sent.DROPPED, send(1, 99, (byte) 99), "the early queue is bounded");
    assertEquals(0, link.opened(transport));
    assertEquals(DatagramLink.EARLY_MESSAGES, sent.size());
    // kind 0, service 1, flow 3, payload 03
    ByteBuffer fourth = sent.get(3);
    assertEquals(Datagrams.HEADER_LENGTH + 1, fourth.remaining());
    assertEquals("00000100030" + "3", java.util.HexFormat.of().formatHex(fourth.array()));
  }

  @Test
  void shouldRefuseADatagramLongerThanTheTransportCarriesWhole() {
    link.opening();
    link.opened(transport);
    assertEquals(15, link.maxPayload());
    assertEquals(DatagramLink.Sent.TOO_LARGE, send(1, 1, new byte[16]));
    assertEquals(DatagramLink.Sent.SENT, send(1, 1, new byte[15]));
    assertEquals(20, sent.get(0).remaining());
  }

  @Test
  void shouldDropOnceClosed() {
    link.opening();
    link.opened(transport);
    link.closed("peer closed it");
    assertEquals(DatagramLink.Sent.DROPPED, send(1, 1, (byte) 1));
    assertEquals("the datagram channel closed: peer closed it", link.notOpenReason());
  }
}

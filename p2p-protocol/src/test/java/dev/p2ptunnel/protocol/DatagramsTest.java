package dev.p2ptunnel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Golden vectors of the datagram channel's messages. */
class DatagramsTest {

  @Test
  void shouldPutKindServiceAndFlowBeforeTheDatagram() throws ProtocolException {
    // kind 0 (DATAGRAM), service 1, flow 0x0203, the datagram "hi".
    ByteBuffer message = Datagrams.encode(1, 0x0203, ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("00 0001 0203 6869".replace(" ", ""), Hex.of(message));
    Datagrams.validate(message);
    assertEquals(Datagrams.KIND_DATAGRAM, Datagrams.kind(message));
    assertEquals(1, Datagrams.serviceId(message));
    assertEquals(0x0203, Datagrams.flowId(message));
    assertEquals("6869", Hex.of(Datagrams.payload(message)));
  }

  @Test
  void shouldCarryAnEmptyDatagram() throws ProtocolException {
    // UDP allows a datagram of 0 bytes: the header alone.
    ByteBuffer message = Hex.buffer("00 ffff ffff");
    Datagrams.validate(message);
    assertEquals(0xFFFF, Datagrams.serviceId(message));
    assertEquals(0, Datagrams.payload(message).remaining());
  }

  @Test
  void shouldReadFromThePositionWithoutMovingIt() throws ProtocolException {
    ByteBuffer message = Hex.buffer("ee ee 00 0002 0004 ff");
    message.position(2);
    Datagrams.validate(message);
    assertEquals(2, Datagrams.serviceId(message));
    assertEquals(4, Datagrams.flowId(message));
    assertEquals("ff", Hex.of(Datagrams.payload(message)));
    assertEquals(2, message.position());
  }

  @Test
  void shouldRejectAMessageShorterThanTheHeader() {
    assertEquals("datagram message length 4 < header length 5", assertThrows(ProtocolException.class,
        () -> Datagrams.validate(Hex.buffer("00 0001 02"))).getMessage());
  }
}

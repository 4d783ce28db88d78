package dev.p2ptunnel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden vectors of the named-services extension, one case per rule. */
class ServiceMessagesTest {
  private static final ServiceMessages.Entry WEB =
      new ServiceMessages.Entry(0, ServiceMessages.PROTOCOL_TCP, true, 8080, "web");
  private static final ServiceMessages.Entry DNS =
      new ServiceMessages.Entry(1, ServiceMessages.PROTOCOL_UDP, false, 5353, "dns");

  @Test
  void shouldEncodeTheServiceListOnSocketZero() throws ProtocolException {
    // SERVICES (0x20), socket 0, 22 bytes: count 2; web: id 0, TCP, default, port 8080, "web";
    // dns: id 1, UDP, no flags, port 5353, "dns".
    String golden = "20 0000 0000 0000 0001 0016 0002"
        + " 0000 00 01 1f90 03 776562"
        + " 0001 01 00 14e9 03 646e73";
    assertEquals(golden.replace(" ", ""), Hex.of(ServiceMessages.services(List.of(WEB, DNS))));
    assertEquals(List.of(WEB, DNS), ServiceMessages.decodeServices(Hex.buffer(golden)));
  }

  @Test
  void shouldAnnounceServicesAndDatagramsInHello() throws ProtocolException {
    // What our bridge sends: the supported features and SERVICES (256), and DATAGRAMS (512) where it has the channel.
    assertEquals("10 0000 0000 0000 0001 0005 01 0000010f".replace(" ", ""),
        Hex.of(Extensions.hello(Extensions.SUPPORTED_FEATURES | Extensions.FEATURE_SERVICES)));
    assertEquals("10 0000 0000 0000 0001 0005 01 0000030f".replace(" ", ""), Hex.of(Extensions.hello(
        Extensions.SUPPORTED_FEATURES | Extensions.FEATURE_SERVICES | Extensions.FEATURE_DATAGRAMS)));
  }

  @Test
  void shouldEncodeAnEmptyList() throws ProtocolException {
    assertEquals("20 0000 0000 0000 0001 0002 0000".replace(" ", ""),
        Hex.of(ServiceMessages.services(List.of())));
    assertEquals(List.of(), ServiceMessages.decodeServices(Hex.buffer("20 0000 0000 0000 0001 0002 0000")));
  }

  @Test
  void shouldSkipEntriesOfUnknownProtocolsAndIgnoreTrailingBytesAndUnknownFlags() throws ProtocolException {
    // count 2: an entry of protocol 7 (a later version's), then dns with flag bits 0xfe (unknown, ignored);
    // two bytes after the last entry.
    String later = "20 0000 0000 0000 0001 0018 0002"
        + " 0009 07 00 0001 03 717569"
        + " 0001 01 fe 14e9 03 646e73"
        + " abcd";
    assertEquals(List.of(DNS), ServiceMessages.decodeServices(Hex.buffer(later)));
  }

  @Test
  void shouldRejectBrokenListsNamingTheEntryAndField() {
    assertEquals("SERVICES payload_size 1 < 2 (socket 0)", message("20 0000 0000 0000 0001 0001 00"));
    assertEquals("SERVICES count 257 > max 256 (socket 0)", message("20 0000 0000 0000 0001 0002 0101"));
    assertEquals("SERVICES entry 0 truncated: 7 bytes at offset 2 > payload_size 8 (socket 0)",
        message("20 0000 0000 0000 0001 0008 0001 0000 00 01 1f90"));
    assertEquals("SERVICES entry 0 truncated: 10 bytes at offset 2 > payload_size 11 (socket 0)",
        message("20 0000 0000 0000 0001 000b 0001 0000 00 01 1f90 03 7765"));
    assertEquals("SERVICES entry 0 name \"w b\" has ' ' at index 1 (expected: 1..64 of A-Z a-z 0-9 . _ -,"
        + " starting with a letter or digit) (socket 0)",
        message("20 0000 0000 0000 0001 000c 0001 0000 00 01 1f90 03 772062"));
    assertEquals("SERVICES entry 0 port 0 < min 1 (socket 0)",
        message("20 0000 0000 0000 0001 000c 0001 0000 00 01 0000 03 776562"));
  }

  @Test
  void shouldNameTheServiceOfAConnectOrNoneForTheOriginalEmptyPayload() throws ProtocolException {
    // CONNECT, socket 7, chunk 0, payload service_id 1: what a client of ours sends for a named mapping.
    assertEquals("02 0007 0000 0000 0001 0002 0001".replace(" ", ""),
        Hex.of(Frame.encode(Frame.EVENT_CONNECT, 7, 0, 0, 1, ServiceMessages.connectPayload(1))));
    assertEquals(1, ServiceMessages.connectServiceId(Hex.buffer("0001"), 7));
    assertEquals(ServiceMessages.DEFAULT_SERVICE, ServiceMessages.connectServiceId(ByteBuffer.allocate(0), 7));
    assertEquals("CONNECT payload_size 3 != 0 or 2 (socket 7)", assertThrows(ProtocolException.class,
        () -> ServiceMessages.connectServiceId(Hex.buffer("000102"), 7)).getMessage());
  }

  @Test
  void shouldCarryAReasonAsUtf8AndShowItSafely() throws ProtocolException {
    // REASON (0x21), socket 7, "no dns": sent right before the CLOSE that refuses socket 7.
    assertEquals("21 0007 0000 0000 0001 0006 6e6f20646e73".replace(" ", ""),
        Hex.of(ServiceMessages.reason(7, "no dns")));
    assertEquals("a b", ServiceMessages.reasonText(Hex.buffer("21 0007 0000 0000 0001 0003 611b62")));
    assertEquals("REASON payload_size 0 not in 1..1024 (socket 7)", assertThrows(ProtocolException.class,
        () -> ServiceMessages.reasonText(Hex.buffer("21 0007 0000 0000 0001 0000"))).getMessage());
    // 1 023 ASCII bytes and a two-byte character: cut before it, never in the middle.
    ByteBuffer cut = ServiceMessages.reason(1, "x".repeat(1023) + "\u00e9");
    assertEquals(1023, Frame.payloadSize(cut));
  }

  @Test
  void shouldCheckServiceNames() {
    assertNull(ServiceMessages.nameProblem("minecraft-voice_2.udp"));
    assertEquals("\"-web\" has '-' at index 0 (expected: 1..64 of A-Z a-z 0-9 . _ -, starting with a letter or"
        + " digit)", ServiceMessages.nameProblem("-web"));
    assertEquals("\"\" has 0 characters (expected: 1..64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)",
        ServiceMessages.nameProblem(""));
    assertEquals("\"caf?\" has U+00E9 at index 3 (expected: 1..64 of A-Z a-z 0-9 . _ -, starting with a letter"
        + " or digit)", ServiceMessages.nameProblem("caf\u00e9"));
    assertEquals("name: \"a b\" has ' ' at index 1 (expected: 1..64 of A-Z a-z 0-9 . _ -, starting with a letter"
        + " or digit)", assertThrows(IllegalArgumentException.class,
            () -> new ServiceMessages.Entry(0, 0, false, 1, "a b")).getMessage());
  }

  private static String message(String hex) {
    return assertThrows(ProtocolException.class, () -> ServiceMessages.decodeServices(Hex.buffer(hex)))
        .getMessage();
  }
}

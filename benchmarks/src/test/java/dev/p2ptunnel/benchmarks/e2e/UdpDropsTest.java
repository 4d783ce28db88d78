package dev.p2ptunnel.benchmarks.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UdpDropsTest {
  /** As Linux 6.18 writes it (Udp and UdpLite share the layout; only Udp counts). */
  private static final String SNMP = """
      Ip: Forwarding DefaultTTL InReceives InHdrErrors
      Ip: 2 64 123 0
      Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
      Udp: 52011 3 898 40122 898 0 0 0 0
      UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
      UdpLite: 0 0 0 0 7 0 0 0 0
      """;

  @Test
  void readsTheUdpReceiveBufferDrops() {
    assertEquals(898, UdpDrops.rcvbufErrors(SNMP));
  }

  @Test
  void findsTheColumnByName() {
    String reordered = "Udp: RcvbufErrors InDatagrams\nUdp: 5 100\n";
    assertEquals(5, UdpDrops.rcvbufErrors(reordered));
  }

  @Test
  void saysWhatIsMissing() {
    IllegalArgumentException noUdp = assertThrows(IllegalArgumentException.class,
        () -> UdpDrops.rcvbufErrors("Ip: Forwarding\nIp: 2\n"));
    assertTrue(noUdp.getMessage().contains("no Udp header and value lines"), noUdp.getMessage());
    IllegalArgumentException noColumn = assertThrows(IllegalArgumentException.class,
        () -> UdpDrops.rcvbufErrors("Udp: InDatagrams NoPorts\nUdp: 1 2\n"));
    assertTrue(noColumn.getMessage().contains("no RcvbufErrors value"), noColumn.getMessage());
    IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
        () -> UdpDrops.rcvbufErrors("Udp: RcvbufErrors\nUdp: x\n"));
    assertTrue(notANumber.getMessage().contains("'x' is not a number"), notANumber.getMessage());
  }
}

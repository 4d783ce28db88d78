package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The setup trace's reading of candidates and descriptions (it logs only at DEBUG; the lines are not asserted). */
class SetupTraceTest {
  private static final String HOST = "candidate:1 1 udp 2122260223 10.0.0.2 40000 typ host generation 0";
  private static final String HOST_TCP = "candidate:2 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active";
  private static final String SRFLX = "candidate:3 1 udp 1686052607 203.0.113.5 40000 typ srflx raddr 10.0.0.2 "
      + "rport 40000";

  @Test
  void traceDescribesCandidatesAndCountsThem() {
    assertEquals("srflx udp", SetupTrace.describe(SRFLX));
    assertEquals("host tcp", SetupTrace.describe(HOST_TCP));
    assertEquals("? udp", SetupTrace.describe("candidate:1 1 UDP 1 10.0.0.2 40000"));
    assertEquals(2, SetupTrace.candidates("v=0\r\na=candidate:" + HOST.substring(10) + "\r\na=candidate:"
        + SRFLX.substring(10) + "\r\n"));
    assertEquals(0, SetupTrace.candidates("v=0\r\n"));
  }

  @Test
  void stepsAreDebugLinesOfOneLoggerAndABrokenHandlerFailsNoStep() {
    List<String> lines = new CopyOnWriteArrayList<>();
    LogCapture recorder = LogCapture.of(SetupTrace.LOGGER, record -> lines.add(record.getMessage()));
    LogCapture broken = LogCapture.of(SetupTrace.LOGGER, record -> {
      throw new IllegalStateException("a broken log handler");
    });
    try (recorder; broken) {
      assertTrue(SetupTrace.enabled());
      SetupTrace.step("p2pt-webrtc-9", "offer created");
      SetupTrace.step("p2pt-webrtc-9", "ICE", "CONNECTED");
      SetupTrace.candidate("p2pt-webrtc-9", SRFLX);
      SetupTrace.candidate("p2pt-webrtc-9", "");
      assertEquals(List.of("p2pt-webrtc-9: offer created", "p2pt-webrtc-9: ICE CONNECTED",
          "p2pt-webrtc-9: candidate srflx udp", "p2pt-webrtc-9: candidate ? ?"), lines);
    }
  }
}

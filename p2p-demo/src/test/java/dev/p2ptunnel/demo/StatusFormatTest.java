package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The status line, byte units, rates between samples, and redrawing in place on a terminal. */
class StatusFormatTest {
  @ParameterizedTest
  @CsvSource({
      "0, 0 B",
      "999, 999 B",
      "1000, 1.0 kB",
      "1049, 1.0 kB",
      "1050, 1.1 kB",
      "999949, 999.9 kB",
      "999950, 1.0 MB",
      "12345678, 12.3 MB",
      "4000000000, 4.0 GB",
      "9223372036854775807, 9.2 EB"})
  void shouldFormatBytesInSiUnits(long count, String text) {
    assertEquals(text, StatusFormat.bytes(count));
  }

  @Test
  void shouldFormatAClientLine() {
    StatusSnapshot s = new StatusSnapshot("t", "client", "OPEN", "direct", 1, 1, 1_200_000, 35_000, 12_000_000,
        1_000_000, 2, 7, Map.of(), null, 0);
    assertEquals("OPEN direct | up 1.2 MB/s down 35.0 kB/s | sent 12.0 MB received 1.0 MB | 2 sockets (7 total)",
        StatusFormat.line(s));
  }

  @Test
  void shouldFormatAHostLineWithClientsAndSortedErrors() {
    StatusSnapshot s = new StatusSnapshot("t", "host", "OPEN", "mixed", 2, 4, 0, 0, 0, 0, 1, 1,
        Map.of("SERVICE_REFUSED", 3L, "OVERFLOW", 1L), null, 0);
    assertEquals("2/4 clients | OPEN mixed | up 0 B/s down 0 B/s | sent 0 B received 0 B | 1 socket (1 total)"
        + " | errors: OVERFLOW=1 SERVICE_REFUSED=3", StatusFormat.line(s));
  }

  @Test
  void shouldCountUdpFlowsOnlyWhenThereAreAny() {
    StatusSnapshot s = new StatusSnapshot("t", "client", "OPEN", "direct", 1, 1, 0, 0, 0, 0, 1, 1, Map.of(), null,
        2);
    assertEquals("OPEN direct | up 0 B/s down 0 B/s | sent 0 B received 0 B | 1 socket (1 total), 2 UDP flows",
        StatusFormat.line(s));
  }

  @Test
  void shouldLeaveOutAnUnknownPath() {
    StatusSnapshot s = new StatusSnapshot("t", "host", "WAITING", null, 0, 1, 0, 0, 0, 0, 0, 0, Map.of(), null,
        0);
    assertEquals("0/1 clients | WAITING | up 0 B/s down 0 B/s | sent 0 B received 0 B | 0 sockets (0 total)",
        StatusFormat.line(s));
  }

  @Test
  void shouldSayForHowLongItHasBeenReconnecting() {
    StatusSnapshot s = new StatusSnapshot("t", "client", "RECONNECTING", "direct", 1, 1, 0, 0, 12_000_000,
        1_000_000, 2, 7, Map.of(), 12L, 0);
    assertEquals("reconnecting (12 s) | up 0 B/s down 0 B/s | sent 12.0 MB received 1.0 MB | 2 sockets (7 total)",
        StatusFormat.line(s));
  }

  @Test
  void shouldDeriveRatesFromConsecutiveSamples() {
    Console console = new Console(System.out, System.err, false, true, false);
    StatusReporter reporter = new StatusReporter(() -> counters(0, 0), console, null, 5);
    assertEquals(0, reporter.sample(counters(1_000, 0), 1_000_000_000L).bytesUpPerSecond(), "no earlier sample");
    StatusSnapshot second = reporter.sample(counters(3_000, 500), 3_000_000_000L);
    assertEquals(1_000, second.bytesUpPerSecond());
    assertEquals(250, second.bytesDownPerSecond());
    assertEquals(0, reporter.sample(counters(100, 0), 4_000_000_000L).bytesUpPerSecond(), "never negative");
  }

  private static StatusReporter.Counters counters(long up, long down) {
    return new StatusReporter.Counters("client", "OPEN", "direct", 1, 1, up, down, 0, 0, Map.of(), null, 0);
  }

  @Test
  void shouldRedrawTheStatusInPlaceOnATerminalAndEraseItBeforeEvents() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Console console = new Console(out, out, true, false, false);
    console.status("OPEN long status");
    console.status("OPEN short");
    console.result("token");
    assertEquals("\rOPEN long status\rOPEN short      \r          \rtoken\n", bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void shouldPrintThePlainStatusAsLinesOffATerminal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Console console = new Console(out, out, false, false, false);
    console.status("OPEN one");
    console.prompt("Allow? [y/N] ");
    console.result("after the prompt");
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(3, lines.length);
    assertEquals("OPEN one", lines[0].substring("HH:mm:ss ".length()));
    assertEquals("Allow? [y/N] ", lines[1], "the unechoed answer's line is ended");
    assertEquals("after the prompt", lines[2]);
  }

  @Test
  void shouldWriteStatsAsJsonLines() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (StatsJson json = StatsJson.open("-", out)) {
      json.write(new StatusSnapshot("2026-11-24T20:00:00Z", "client", "OPEN", "direct", 1, 1, 5, 6, 7, 8, 1, 2,
          Map.of("OVERFLOW", 1L), null, 3));
    }
    assertEquals("{\"time\":\"2026-11-24T20:00:00Z\",\"role\":\"client\",\"state\":\"OPEN\",\"path\":\"direct\","
        + "\"clients\":1,\"maxClients\":1,\"bytesUpPerSecond\":5,\"bytesDownPerSecond\":6,\"bytesUp\":7,"
        + "\"bytesDown\":8,\"openSockets\":1,\"totalSockets\":2,\"errors\":{\"OVERFLOW\":1},"
        + "\"reconnectingSeconds\":null,\"openFlows\":3,\"signalingUnreachableSeconds\":null}\n",
        bytes.toString(StandardCharsets.UTF_8));
  }
}

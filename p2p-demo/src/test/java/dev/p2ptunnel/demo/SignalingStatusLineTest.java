package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A host's status line says, for as long as it lasts, that its signaling server is unreachable (event lines say
 * when it begins and ends; the status line is what someone looking at the host later sees).
 */
class SignalingStatusLineTest {
  private static StatusSnapshot host(Long unreachableSeconds) {
    return new StatusSnapshot("t", "host", "OPEN", "direct", 1, 1, 0, 0, 0, 0, 1, 1, Map.of(), null, 0,
        unreachableSeconds);
  }

  @Test
  void shouldSayInMinutesForHowLongTheSignalingServerIsUnreachable() {
    assertEquals("1/1 clients | OPEN direct | signaling unreachable (3 min) | up 0 B/s down 0 B/s | sent 0 B"
        + " received 0 B | 1 socket (1 total)", StatusFormat.line(host(239L)));
  }

  @Test
  void shouldSayItInSecondsDuringTheFirstMinute() {
    assertEquals("1/1 clients | OPEN direct | signaling unreachable (45 s) | up 0 B/s down 0 B/s | sent 0 B"
        + " received 0 B | 1 socket (1 total)", StatusFormat.line(host(45L)));
  }

  @Test
  void shouldSayNothingWhileTheServerIsReachable() {
    assertEquals("1/1 clients | OPEN direct | up 0 B/s down 0 B/s | sent 0 B received 0 B | 1 socket (1 total)",
        StatusFormat.line(host(null)));
  }

  @Test
  void shouldCarryTheOutageFromTheCountersToTheSample() {
    Console console = new Console(System.out, System.err, false, true, false);
    StatusReporter.Counters counters = new StatusReporter.Counters("host", "WAITING", null, 0, 1, 0, 0, 0, 0,
        Map.of(), null, 0, 125L);
    StatusReporter reporter = new StatusReporter(() -> counters, console, null, 5);
    assertEquals(125L, reporter.sample(counters, 1_000_000_000L).signalingUnreachableSeconds());
  }

  @Test
  void shouldKnowNoOutageOfASignalingThatIsNotAnHttpServer() {
    assertNull(HostCommand.unreachableSince(new dev.p2ptunnel.webrtc.InMemorySignaling()));
  }
}

package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The client's line for a local connection accepted while the tunnel is reconnecting, and only then. */
class WaitingConnectionsTest {
  private static final Instant LOST = Instant.parse("2026-11-30T04:00:00Z");
  private static final InetSocketAddress APP = new InetSocketAddress("127.0.0.1", 43210);

  @Test
  void shouldSayHowLongANewConnectionWaitsAtMostAndWhatHappensThen() {
    assertEquals("new connection from 127.0.0.1:43210 waits for the host to come back (at most 108 s more): it goes "
        + "through once the host is back, or is closed with the rest when the grace period (2 min) ends without it",
        WaitingConnections.line(APP, LOST, LOST.plusMillis(12_400), Duration.ofMinutes(2)));
  }

  @Test
  void shouldSayNoTimeIsLeftWhenTheGraceIsAlmostOver() {
    assertEquals("new connection from 127.0.0.1:43210 waits for the host to come back (at most 0 s more): it goes "
        + "through once the host is back, or is closed with the rest when the grace period (10 s) ends without it",
        WaitingConnections.line(APP, LOST, LOST.plusSeconds(11), Duration.ofSeconds(10)));
  }

  @Test
  void shouldPrintOneLinePerConnectionOnlyWhileReconnecting() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, false, false);
    AtomicReference<@Nullable Instant> since = new AtomicReference<>();
    WaitingConnections waiting = new WaitingConnections(console, Duration.ofMinutes(2), since::get,
        Clock.fixed(LOST.plusSeconds(60), ZoneOffset.UTC));
    waiting.onSocketOpened(1, APP); // the tunnel is open: nothing to say
    since.set(LOST);
    waiting.onSocketOpened(2, APP);
    waiting.onSocketOpened(3, new InetSocketAddress("127.0.0.1", 43211));
    since.set(null);
    waiting.onSocketOpened(4, APP); // back again
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length, out.toString(StandardCharsets.UTF_8));
    assertEquals(true, lines[0].contains("new connection from 127.0.0.1:43210 waits for the host to come back (at most "
        + "1 min more)"), lines[0]);
    assertEquals(true, lines[1].contains("new connection from 127.0.0.1:43211 waits"), lines[1]);
  }
}

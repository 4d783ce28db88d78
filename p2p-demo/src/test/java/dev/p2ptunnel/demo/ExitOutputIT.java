package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A usage error of {@code client} from the jar, after the client has started loading libwebrtc in the background
 * (Preload): exit code 2, one line on standard error, and nothing at all on standard output, where libwebrtc's native
 * code prints {@code VM attach current thread failed} and {@code Failed to attach thread N} while the JVM exits
 * (StdoutAtExit). In one JVM and in the class-archive relaunch. No network: nothing is connected, so no namespace is
 * needed. The tunnels' own exits (Ctrl-C, SIGTERM, a host that goes away or refuses) are checked in OfflineTunnelIT.
 * Without StdoutAtExit the lines come whenever the load has finished before the JVM exits (40 of 40 runs on a
 * two-core machine at load 2-6); a load that had not finished leaves nothing to print, and then this cannot tell.
 */
@Timeout(180)
class ExitOutputIT {
  private static final Duration EXIT = Duration.ofSeconds(60); // a bound on a hang: JVM start and exit, busy machine
  private static final String USAGE = "p2p-tunnel client: Unknown option: '--no-such-option' "
      + "(see 'p2p-tunnel client --help')";

  @Test
  void shouldPrintNothingOnStandardOutputAfterAUsageErrorInOneJvm() throws Exception {
    try (DemoProcess client = DemoProcess.start("usage-one-jvm", "client", "--no-such-option")) {
      assertEquals(2, client.awaitExit(EXIT), "exit code of a usage error");
      assertEquals(List.of(), client.stdoutToEnd(EXIT), "standard output");
      assertEquals(List.of(USAGE), client.stderr());
    }
  }

  @Test
  void shouldPrintNothingOnStandardOutputAfterAUsageErrorInTheSecondJvm(@TempDir Path archives) throws Exception {
    try (DemoProcess client = DemoProcess.start("usage-two-jvms", Map.of(ClassArchive.ENV, archives.toString()),
        "client", "--no-such-option")) {
      assertEquals(2, client.awaitExit(EXIT), "exit code of a usage error");
      assertEquals(List.of(), client.stdoutToEnd(EXIT), "standard output");
      assertEquals(List.of(USAGE), client.stderr());
    }
  }
}

package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A usage error of {@code client} from the jar, after the client has loaded libwebrtc in the background (Preload):
 * exit code 2, the usage line on standard error, and nothing at all on standard output, where libwebrtc's native code
 * prints {@code VM attach current thread failed} and {@code Failed to attach thread N} while the JVM exits
 * (StdoutAtExit). In one JVM and in the class-archive relaunch. No network: nothing is connected, so no namespace is
 * needed. The tunnels' own exits (Ctrl-C, SIGTERM, a host that goes away or refuses) are checked in OfflineTunnelIT,
 * the {@code try} command's in TryIT.
 *
 * <p>The lines come only from a JVM in which libwebrtc had finished loading (its {@code JNI_OnLoad}) before the exit:
 * the JVM logs its library events on standard error here ({@code -Xlog:library}), and a run counts once a native
 * method of webrtc-java was linked, which happens only after that. A run where the usage error came first is run
 * again (up to five times; they came after the load in 40 of 40 runs on two cores at load 2-6).
 */
@Timeout(300)
class ExitOutputIT {
  private static final Duration EXIT = Duration.ofSeconds(60); // a bound on a hang: JVM start and exit, busy machine
  private static final String USAGE = "p2p-tunnel client: Unknown option: '--no-such-option' "
      + "(see 'p2p-tunnel client --help')";
  private static final String LOADED = "[info][library] Found Java_dev_onvoid_webrtc_";
  private static final int ATTEMPTS = 5;
  private static final String PICKED_UP = "Picked up JAVA_TOOL_OPTIONS:";

  @Test
  void shouldPrintNothingOnStandardOutputAfterAUsageErrorInOneJvm() throws Exception {
    assertQuietAfterLoad("usage-one-jvm", Map.of(ClassArchive.ENV, "off"), 1);
  }

  @Test
  void shouldPrintNothingOnStandardOutputAfterAUsageErrorInTheSecondJvm(@TempDir Path archives) throws Exception {
    // A directory below the temporary one: /tmp above it is writable by all, and the relaunch refuses that.
    assertQuietAfterLoad("usage-two-jvms", Map.of(ClassArchive.ENV, archives.resolve("cds").toString()), 2);
  }

  /**
   * {@code jvms}: how many JVMs the run must have started, counted by the line each JVM prints on standard error when
   * it takes JAVA_TOOL_OPTIONS (the relaunch's second JVM inherits the variable).
   */
  private static void assertQuietAfterLoad(String name, Map<String, String> env, int jvms) throws Exception {
    Map<String, String> withLog = new HashMap<>(env);
    withLog.put("JAVA_TOOL_OPTIONS", "-Xlog:library=info:stderr"); // the JVM's log, where the native code is not
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try (DemoProcess client = DemoProcess.start(name + "-" + attempt, withLog, "client", "--no-such-option")) {
        assertEquals(2, client.awaitExit(EXIT), "exit code of a usage error");
        assertEquals(List.of(), client.stdoutToEnd(EXIT), "standard output");
        List<String> stderr = client.stderrToEnd(EXIT);
        assertTrue(stderr.contains(USAGE), "the usage line on standard error: " + stderr);
        if (stderr.stream().anyMatch(line -> line.contains(LOADED))) {
          assertEquals(jvms, stderr.stream().filter(line -> line.startsWith(PICKED_UP)).count(),
              "JVMs started: " + stderr);
          return;
        }
      }
    }
    String reason = "SKIPPED: libwebrtc was not loaded before the usage error in " + ATTEMPTS + " runs: nothing to "
        + "check";
    System.err.println(reason);
    Assumptions.abort(reason);
  }
}

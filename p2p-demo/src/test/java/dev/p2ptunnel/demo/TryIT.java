package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged jar: {@code --help} works anywhere; {@code try} (the README's first command) exits 0, without
 * libwebrtc's exit lines on standard output.
 */
@Timeout(60)
class TryIT {
  @Test
  void shouldPrintHelpFromTheShadedJar() throws Exception {
    try (DemoProcess help = DemoProcess.start("help", "--help")) {
      assertEquals(0, help.awaitExit(Duration.ofSeconds(20)));
      assertEquals("Usage: p2p-tunnel [-hV] [COMMAND]", help.stdoutToEnd(Duration.ofSeconds(20)).get(0));
    }
  }

  @Test
  void shouldRunTheSelfContainedDemoAndExitZero() throws Exception {
    DemoProcess.assumeNamespace();
    try (DemoProcess demo = DemoProcess.start("try", "try", "--mb", "4")) {
      Integer code = demo.awaitExit(Duration.ofSeconds(40));
      assertEquals(0, code, "stderr " + demo.stderr());
      assertTrue(demo.stdout().stream().anyMatch(line -> line.startsWith("6. GET http://127.0.0.1:")
          && line.endsWith("through the tunnel: HTTP 200 \"Hello through p2p-tunnel!\"")), demo.stdout().toString());
      assertTrue(demo.stdout().stream().anyMatch(line -> line.startsWith("OK: p2p-tunnel works")),
          demo.stdout().toString());
      OfflineTunnelIT.assertNoNativeExitLines(demo); // host and client in one JVM, a normal end
    }
    assertEquals(0, ProcessHandle.current().descendants().count(), "no process left behind");
  }
}

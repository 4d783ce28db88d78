package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stop request at any moment of the relaunch: before the second JVM starts it keeps it from starting, after it the
 * hook gets the second JVM to stop. (The hook itself halts the JVM; these check what it decides from.)
 */
class ForwardStopTest {
  private static final ClassArchive.Launch LAUNCH =
      new ClassArchive.Launch(List.of(), false, Path.of("a.jsa.1.part"), Path.of("a.jsa"));

  @Test
  void aStopBeforeTheStartKeepsTheSecondJvmFromStarting() throws Exception {
    ForwardStop forward = new ForwardStop(LAUNCH, false);
    assertNull(forward.stopRequested(), "nothing started yet");
    assertNull(forward.start(java()), "and nothing starts after the stop request");
    assertFalse(forward.abandoned());
  }

  @Test
  void aStopAfterTheStartGetsTheSecondJvm() throws Exception {
    ForwardStop forward = new ForwardStop(LAUNCH, false);
    Process child = forward.start(java());
    assertNotNull(child);
    try {
      assertSame(child, forward.stopRequested());
    } finally {
      child.destroy();
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void aStartThatFailedLeavesTheStopToTheCommand() throws Exception {
    ForwardStop forward = new ForwardStop(LAUNCH, false);
    ProcessBuilder missing = new ProcessBuilder(Path.of("no-such-dir", "no-such-java").toAbsolutePath().toString());
    assertThrows(IOException.class, () -> forward.start(missing));
    forward.abandon();
    assertNull(forward.stopRequested());
    assertTrue(forward.abandoned(), "the hook does nothing: Shutdown's hook stops the command in this JVM");
  }

  /** A short-lived second process. */
  private static ProcessBuilder java() {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version");
  }
}

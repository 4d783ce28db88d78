package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stop request at every point of the relaunch, as the order of the main thread's and the hook's locked steps: before
 * the second JVM starts it keeps it from starting, after it the hook gets the second JVM to stop, after a failed start
 * both threads end the JVM with 0. Pure logic: the hook's halt is recorded, no signal is sent, nothing waits for time
 * (a start that fails is a program that does not exist; one that works is {@code java -version}).
 */
class ForwardStopTest {
  private static final ClassArchive.Launch LAUNCH =
      new ClassArchive.Launch(List.of(), false, Path.of("a.jsa.1.part"), Path.of("a.jsa"));

  /** The codes the hook halted with. */
  private final List<Integer> halts = new ArrayList<>();
  private final ForwardStop forward = new ForwardStop(LAUNCH, false, halts::add);

  @Test
  void aStopBeforeTheStartKeepsTheSecondJvmFromStartingAndEndsWithZero() throws Exception {
    forward.run(); // the hook: the stop request comes first
    assertEquals(List.of(ExitCodes.OK), halts, "nothing was opened: a clean stop");
    // the main thread's start comes second: it must not run the builder (this one would throw: no such program)
    assertNull(forward.start(missing()), "nothing starts after the stop request");
    assertEquals(ForwardStop.Phase.STOPPED, forward.phase());
  }

  @Test
  void aStopFindsTheStateInOneStep() {
    assertEquals(new ForwardStop.Found(ForwardStop.Phase.STARTING, null), forward.stopRequested());
    assertEquals(ForwardStop.Phase.STOPPED, forward.phase(), "marked in the same step");
  }

  @Test
  void aStopAfterTheStartGetsTheSecondJvm() throws Exception {
    Process child = forward.start(java());
    assertNotNull(child);
    try {
      ForwardStop.Found found = forward.stopRequested();
      assertEquals(ForwardStop.Phase.STARTED, found.phase());
      assertSame(child, found.child(), "the hook forwards the stop to this process");
      assertEquals(ForwardStop.Phase.STARTED, forward.phase(), "a stop does not undo a start");
    } finally {
      child.destroy();
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void aFailedStartIsRecordedInTheSameStep() {
    assertThrows(IOException.class, () -> forward.start(missing()));
    assertEquals(ForwardStop.Phase.FAILED, forward.phase(), "no window between the failure and its record");
  }

  /** The review's race: Ctrl-C between a failed start and the hook's removal. */
  @Test
  void aStopAfterAFailedStartEndsBothThreadsWithZero() {
    assertThrows(IOException.class, () -> forward.start(missing()));
    forward.run(); // the hook: the JVM is stopping, so the command cannot run in it
    assertEquals(List.of(ExitCodes.OK), halts, "the hook halts; it never leaves the JVM to end with 130/143");
    // the main thread: the JVM is stopping, so the hook cannot be removed
    assertEquals(OptionalInt.of(ExitCodes.OK), ForwardStop.afterFailedStart(false), "the same code as the hook's");
  }

  @Test
  void aFailedStartWithoutAStopRunsTheCommandHere() {
    assertThrows(IOException.class, () -> forward.start(missing()));
    assertEquals(OptionalInt.empty(), ForwardStop.afterFailedStart(true), "the hook is gone: the command runs here");
    assertEquals(List.of(), halts, "nothing halted");
  }

  @Test
  void aSecondStartStartsNothing() throws Exception {
    assertThrows(IOException.class, () -> forward.start(missing()));
    assertNull(forward.start(java()), "only the first start runs its builder");
    assertEquals(ForwardStop.Phase.FAILED, forward.phase());
  }

  /** A short-lived second process. */
  private static ProcessBuilder java() {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version");
  }

  /** A program that does not exist: starting it throws. */
  private static ProcessBuilder missing() {
    return new ProcessBuilder(Path.of("no-such-dir", "no-such-java").toAbsolutePath().toString());
  }
}

package dev.p2ptunnel.webrtc.internal.dirs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retrying a file operation Windows refuses while another program holds the file, with the pauses recorded. */
class InUseRetryTest {
  private static final Path FILE = Path.of("known-hosts");
  /** How Java reports ERROR_SHARING_VIOLATION: a plain FileSystemException with Windows' text. */
  private static final String SHARING = "The process cannot access the file because it is being used by another"
      + " process";

  private final List<Duration> pauses = new ArrayList<>();
  private final InUseRetry retry = new InUseRetry(pauses::add);

  @Test
  void shouldTryAgainAfterGrowingPausesUntilTheOtherProgramLetsGo() throws IOException {
    int[] tries = {0};
    retry.run(FILE, "replace", () -> {
      if (++tries[0] <= 3) {
        throw tries[0] == 2 ? new AccessDeniedException(FILE.toString())
            : new FileSystemException("known-hosts.tmp", FILE.toString(), SHARING);
      }
    });

    assertEquals(4, tries[0]);
    assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)), pauses);
  }

  @Test
  void shouldGiveUpAfterTenTriesOverAboutASecondNamingTheFileAndWhatToDo() {
    int[] tries = {0};
    FileSystemException e = assertThrows(FileSystemException.class, () -> retry.run(FILE, "replace", () -> {
      tries[0]++;
      throw new FileSystemException("known-hosts.tmp", FILE.toString(), SHARING);
    }));

    assertEquals(InUseRetry.ATTEMPTS, tries[0]);
    assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 200L, 200L, 200L, 200L),
        pauses.stream().map(Duration::toMillis).toList(), "no pause after the last try");
    assertEquals(Duration.ofMillis(1110), InUseRetry.patience());
    assertEquals("known-hosts: cannot replace it: " + SHARING + " (tried 10 times over 1110 ms; another program may"
        + " hold it open, e.g. a second p2p-tunnel, an editor, an antivirus or backup tool: close it or wait, then try"
        + " again)", e.getMessage());
    assertTrue(e.getCause() instanceof FileSystemException, "the last refusal is the cause");
  }

  @Test
  void shouldNotRetryWhatNoWaitingMends() {
    NoSuchFileException missing = new NoSuchFileException("known-hosts.tmp");
    IOException thrown = assertThrows(IOException.class, () -> retry.run(FILE, "replace", () -> {
      throw missing;
    }));

    assertSame(missing, thrown);
    assertEquals(List.of(), pauses);
    assertTrue(!InUseRetry.heldByAnother(new java.nio.file.AtomicMoveNotSupportedException("a", "b", "cross-device")));
    assertTrue(!InUseRetry.heldByAnother(new java.nio.file.FileAlreadyExistsException("a")));
  }

  @Test
  void shouldStopWaitingWhenInterruptedAndKeepTheInterrupt() {
    InUseRetry interrupted = new InUseRetry(pause -> {
      throw new InterruptedException();
    });
    try {
      InterruptedIOException e = assertThrows(InterruptedIOException.class, () -> interrupted.run(FILE, "delete",
          () -> {
            throw new AccessDeniedException(FILE.toString());
          }));
      assertEquals("interrupted while waiting to delete known-hosts (another program holds it)", e.getMessage());
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void shouldReportARefusalAtOnceWhereItIsNotWindowsHoldingTheFile() {
    InUseRetry once = new InUseRetry(pauses::add, false);
    AccessDeniedException denied = new AccessDeniedException(FILE.toString());
    int[] tries = {0};

    AccessDeniedException thrown = assertThrows(AccessDeniedException.class, () -> once.run(FILE, "replace", () -> {
      tries[0]++;
      throw denied;
    }));

    assertSame(denied, thrown);
    assertEquals(1, tries[0]);
    assertTrue(pauses.isEmpty());
  }
}

package dev.p2ptunnel.webrtc.internal.dirs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs a file operation (a rename over a file, a delete) again after short pauses while Windows refuses it because
 * another program has the file open: an antivirus or backup tool, the search indexer, an editor, a second p2p-tunnel
 * reading it. Windows refuses to replace or delete a file that another process holds open without delete sharing;
 * Java reports that as {@link AccessDeniedException} (ERROR_ACCESS_DENIED) or as a plain {@link FileSystemException}
 * ("being used by another process", ERROR_SHARING_VIOLATION). Such a hold usually lasts milliseconds, so the operation
 * is tried {@link #ATTEMPTS} times with pauses growing from 10 ms to 200 ms (about 1.1 s in all), as Windows tools do;
 * then it fails with a message that names the file and says what to do. Other failures (no such file, a file in the
 * way, no atomic rename) are not retried. On Linux and macOS a rename over an open file succeeds, and the same
 * exceptions mean a permanent refusal (permissions, a read-only file system, a full disk): {@link #SLEEPING} retries on
 * Windows only, so an error there is reported at once, as it was.
 *
 * <p>Immutable and thread-safe; the operation and the pauses run on the calling thread.
 */
public final class InUseRetry {
  /** How many times an operation is tried. */
  public static final int ATTEMPTS = 10;
  private static final long FIRST_PAUSE_MS = 10;
  private static final long MAX_PAUSE_MS = 200;

  /** One try of the operation. */
  @FunctionalInterface
  public interface Step {
    void run() throws IOException;
  }

  /** Waits between two tries; tests record the pauses instead of waiting. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration pause) throws InterruptedException;
  }

  /** Pauses by sleeping the calling thread; retries on Windows, runs each operation once elsewhere. */
  public static final InUseRetry SLEEPING = new InUseRetry(new ThreadSleep(),
      System.getProperty("os.name", "").startsWith("Windows"));

  private final Sleeper sleeper;
  /** False: each operation is tried once, its failure thrown as it was. */
  private final boolean retrying;

  /** Retries, pausing with {@code sleeper} (the tests' way: Windows' behaviour on any system). */
  public InUseRetry(Sleeper sleeper) {
    this(sleeper, true);
  }

  InUseRetry(Sleeper sleeper, boolean retrying) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.retrying = retrying;
  }

  /** The pause after the {@code failed}-th failed try (1-based): 10, 20, 40, 80, 160, then 200 ms. */
  static Duration pauseAfter(int failed) {
    long ms = FIRST_PAUSE_MS << Math.min(failed - 1, 5);
    return Duration.ofMillis(Math.min(ms, MAX_PAUSE_MS));
  }

  /** The total of the pauses between the tries: how long a file may stay held before the operation fails. */
  public static Duration patience() {
    Duration total = Duration.ZERO;
    for (int failed = 1; failed < ATTEMPTS; failed++) {
      total = total.plus(pauseAfter(failed));
    }
    return total;
  }

  /**
   * Runs {@code step} until it succeeds, retrying while {@code file} is held by another program.
   *
   * @param what what the step does, for the error ({@code "replace"}, {@code "delete"})
   * @throws FileSystemException naming {@code file} when it stayed held through every try (the last failure is its
   *     cause); any other failure of {@code step} as it was thrown
   * @throws InterruptedIOException if the thread was interrupted during a pause (its interrupt status is kept)
   */
  public void run(Path file, String what, Step step) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        step.run();
        return;
      } catch (IOException e) {
        if (!retrying || !heldByAnother(e)) {
          throw e;
        }
        if (attempt == ATTEMPTS) {
          throw stillHeld(file, what, e);
        }
      }
      try {
        sleeper.sleep(pauseAfter(attempt));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting to " + what + " "
            + file + " (another program holds it)");
        interrupted.initCause(e);
        throw interrupted;
      }
    }
  }

  /** Sleeps the calling thread (a class, not a lambda: no lambda is spun on the way to a first write). */
  private static final class ThreadSleep implements Sleeper {
    @Override
    public void sleep(Duration pause) throws InterruptedException {
      TimeUnit.MILLISECONDS.sleep(pause.toMillis());
    }
  }

  /** Deletes {@code file} if it exists, retrying while another program holds it. */
  public void delete(Path file) throws IOException {
    run(file, "delete", () -> Files.deleteIfExists(file));
  }

  /**
   * Deletes {@code file} (a temporary file) after {@code failure}, which is what the caller reports: a failure of the
   * delete is added to it as suppressed.
   */
  public void deleteQuietly(Path file, Throwable failure) {
    try {
      delete(file);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Whether {@code e} is how Windows refuses to rename over or delete a file another program holds open: access
   * denied, or a file-system error without a more precise type (a sharing violation).
   */
  static boolean heldByAnother(IOException e) {
    return e instanceof AccessDeniedException || e.getClass() == FileSystemException.class;
  }

  private static FileSystemException stillHeld(Path file, String what, IOException last) {
    String reason = last instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
        : String.valueOf(last.getMessage());
    FileSystemException e = new FileSystemException(file.toString(), null, "cannot " + what + " it: " + reason
        + " (tried " + ATTEMPTS + " times over " + patience().toMillis() + " ms; another program may hold it open,"
        + " e.g. a second p2p-tunnel, an editor, an antivirus or backup tool: close it or wait, then try again)");
    e.initCause(last);
    return e;
  }
}

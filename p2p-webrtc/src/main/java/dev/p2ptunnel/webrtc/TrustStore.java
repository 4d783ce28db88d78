package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.webrtc.internal.dirs.InUseRetry;
import dev.p2ptunnel.webrtc.internal.dirs.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Identities a party has met, like SSH's {@code known_hosts}: one file of {@code KEY FINGERPRINT [NAME]} lines. A
 * host keeps its trusted clients (key = {@code client:} and the client's fingerprint, name = what it called itself when trusted); a
 * client keeps the hosts it joined (key = {@link Signaling#hostKey()}, e.g. the server and Session ID). Lines
 * starting with {@code #} are comments; a person may delete a line to forget an identity. Written atomically
 * (temporary file, rename), private to the user (0600 where POSIX, an owner-only ACL on Windows: whoever could write
 * the trusted clients could let themselves in), and only when an entry changes (the file is then rewritten, without
 * comments a person added), re-read before each change so that two processes do not lose each
 * other's additions. A rename Windows refuses while another program holds the file open is retried for about a
 * second; then the change fails with an error naming the file, and the file keeps its previous content. Thread-safe.
 */
public final class TrustStore {
  private final @Nullable Path file;
  private final InUseRetry retry;
  private final Mover mover;
  private final Map<String, String> entries = new LinkedHashMap<>(); // key → "fingerprint[ name]"

  /** Renames the written temporary file over the store's file; tests make it fail as Windows does. */
  @FunctionalInterface
  interface Mover {
    void replace(Path temp, Path target) throws IOException;

    /** The atomic rename (a class, not a lambda: nothing is spun at run time on the way to a first write). */
    Mover ATOMIC = new Mover() {
      @Override
      public void replace(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    };
  }

  private TrustStore(@Nullable Path file, InUseRetry retry, Mover mover) {
    this.file = file;
    this.retry = retry;
    this.mover = mover;
  }

  /**
   * The store in {@code file} (created on the first addition, with its directory).
   *
   * @throws UncheckedIOException if it exists but cannot be read
   */
  public static TrustStore open(Path file) {
    return open(file, InUseRetry.SLEEPING, Mover.ATOMIC);
  }

  static TrustStore open(Path file, InUseRetry retry, Mover mover) {
    TrustStore store = new TrustStore(file, retry, mover);
    synchronized (store) {
      store.reload();
    }
    return store;
  }

  /** A store that lives in memory only. */
  public static TrustStore inMemory() {
    return new TrustStore(null, InUseRetry.SLEEPING, Mover.ATOMIC);
  }

  /** The file, or null in memory. */
  public @Nullable Path file() {
    return file;
  }

  /** The fingerprint remembered under {@code key}. */
  public synchronized Optional<String> fingerprint(String key) {
    reload();
    String value = entries.get(key);
    if (value == null) {
      return Optional.empty();
    }
    int space = value.indexOf(' ', value.indexOf(' ') + 1);
    return Optional.of(space < 0 ? value : value.substring(0, space));
  }

  /** Whether {@code fingerprint} is trusted as a client (stored under itself). */
  public boolean trustsClient(String fingerprint) {
    String normal = ShortAuthString.normalise(fingerprint);
    return fingerprint(clientKey(normal)).map(normal::equals).orElse(false);
  }

  /** Trusts a client's identity; {@code name} is kept as a comment for people. */
  public void trustClient(String fingerprint, String name) {
    String normal = ShortAuthString.normalise(fingerprint);
    put(clientKey(normal), normal, name);
  }

  /** The key a client's fingerprint is stored under: {@code client:sha-256/AB:…}. */
  static String clientKey(String normalFingerprint) {
    return "client:" + normalFingerprint.replace(' ', '/');
  }

  /** Remembers (or replaces) the host identity under {@code key}. */
  public void rememberHost(String key, String fingerprint) {
    put(key, ShortAuthString.normalise(fingerprint), "");
  }

  private synchronized void put(String key, String fingerprint, String name) {
    if (key.isEmpty() || key.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("key: \"" + key + "\" (expected: no spaces or control characters)");
    }
    reload();
    String clean = name.isEmpty() ? "" : name.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?").strip();
    String value = fingerprint + (clean.isEmpty() ? "" : " " + clean);
    // Unchanged (a client joining a host it knows): no write, so a join does not pay a file rewrite on its way to
    // the first byte, and the lines and comments a person edited stay as they are.
    if (value.equals(entries.put(key, value))) {
      return;
    }
    if (file != null) {
      save(file);
    }
  }

  private void reload() {
    if (file == null || !Files.exists(file)) {
      return;
    }
    try {
      entries.clear();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        int space = text.indexOf(' ');
        if (space > 0) {
          entries.put(text.substring(0, space), text.substring(space + 1).strip());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private void save(Path target) {
    StringBuilder text = new StringBuilder("# p2p-tunnel identities: KEY FINGERPRINT [NAME]; delete a line to forget"
        + " it\n");
    entries.forEach((key, value) -> text.append(key).append(' ').append(value).append('\n'));
    try {
      Path dir = target.toAbsolutePath().getParent();
      PrivateFiles.createDirectories(dir);
      Path temp = PrivateFiles.createTempFile(dir, "." + target.getFileName(), ".tmp");
      try {
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        // Windows refuses the rename while another program holds the file open (a scanner, a second instance
        // reading it): retried for about a second, then the error says so; the file keeps its old content.
        retry.run(target, "replace", new InUseRetry.Step() {
          @Override
          public void run() throws IOException {
            mover.replace(temp, target);
          }
        });
      } catch (IOException | RuntimeException e) {
        retry.deleteQuietly(temp, e);
        throw e;
      }
    } catch (IOException e) {
      String reason = e instanceof FileSystemException failure && target.toString().equals(failure.getFile())
          && failure.getReason() != null ? failure.getReason() : e.getMessage();
      throw new UncheckedIOException("cannot write " + target + ": " + reason, e);
    }
  }
}

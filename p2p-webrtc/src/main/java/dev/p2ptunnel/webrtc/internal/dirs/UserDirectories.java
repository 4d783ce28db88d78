package dev.p2ptunnel.webrtc.internal.dirs;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The user's configuration and cache directories of p2p-tunnel on each operating system, from the environment, the
 * OS name and the home directory (passed in, so that every system's rules are tested on any system):
 *
 * <pre>
 *            configuration (identity, trust lists)         cache (libwebrtc's copy, class archives)
 * Linux etc. $XDG_CONFIG_HOME, else ~/.config               $XDG_CACHE_HOME, else ~/.cache
 * macOS      ~/Library/Application Support                 ~/Library/Caches
 * Windows    %APPDATA%, else HOME\AppData\Roaming           %LOCALAPPDATA%, else HOME\AppData\Local
 * </pre>
 *
 * each + {@code p2p-tunnel}. The XDG variables count only when absolute (the XDG Base Directory specification: a
 * relative path is invalid and to be ignored), the Windows ones only when they are absolute paths that Windows accepts
 * ({@link #windowsAbsolute}): {@code set LOCALAPPDATA="C:\x"} keeps the quotes in the value and {@code set
 * LOCALAPPDATA=C:\x && java …} a trailing space, either of which made {@code Path.of} throw on Windows and every
 * command fail. The cache has no fallback: without a
 * home directory there is none (null), and callers then cache nothing; the configuration falls back to the working
 * directory as before. Plain code without lambdas or string concatenation by {@code invokedynamic}: the first JVM of
 * {@code java -jar} (p2p-demo's class archive) uses it before anything else is loaded. Thread-safe (stateless).
 */
public final class UserDirectories {
  /** The name of p2p-tunnel's own directory in each base directory. */
  public static final String NAME = "p2p-tunnel";

  private UserDirectories() {}

  /** This process's cache directory of p2p-tunnel, or null if there is none. */
  public static @Nullable Path cache() {
    return cache(System.getenv(), System.getProperty("os.name", ""), System.getProperty("user.home", ""));
  }

  /** This process's configuration directory of p2p-tunnel. */
  public static Path config() {
    return config(System.getenv(), System.getProperty("os.name", ""), System.getProperty("user.home", ""));
  }

  /** The cache directory of p2p-tunnel for that environment, OS name and home directory; null if there is none. */
  public static @Nullable Path cache(Map<String, String> env, String osName, String userHome) {
    String os = osName.toLowerCase(Locale.ROOT);
    boolean home = !userHome.isBlank();
    Path base;
    if (os.startsWith("windows")) {
      String local = env.get("LOCALAPPDATA");
      base = windowsAbsolute(local) ? Path.of(local) : home ? Path.of(userHome, "AppData", "Local") : null;
    } else if (os.startsWith("mac")) {
      base = home ? Path.of(userHome, "Library", "Caches") : null;
    } else {
      String xdg = env.get("XDG_CACHE_HOME");
      base = absolute(xdg) ? Path.of(xdg) : home ? Path.of(userHome, ".cache") : null;
    }
    return base == null ? null : base.resolve(NAME);
  }

  /** The configuration directory of p2p-tunnel for that environment, OS name and home directory. */
  public static Path config(Map<String, String> env, String osName, String userHome) {
    String os = osName.toLowerCase(Locale.ROOT);
    String home = userHome.isBlank() ? "." : userHome;
    Path base;
    if (os.startsWith("windows")) {
      String appData = env.get("APPDATA");
      base = windowsAbsolute(appData) ? Path.of(appData) : Path.of(home, "AppData", "Roaming");
    } else if (os.startsWith("mac")) {
      base = Path.of(home, "Library", "Application Support");
    } else {
      String xdg = env.get("XDG_CONFIG_HOME");
      base = absolute(xdg) ? Path.of(xdg) : Path.of(home, ".config");
    }
    return base.resolve(NAME);
  }

  /**
   * Whether {@code value} is an absolute Windows path ({@code X:\…} or {@code \\server\share…}, either separator)
   * that Windows' own path parser takes: no character it rejects ({@code < > : " | ? *} past the drive, control
   * characters) and no name ending in a space. Checked here, by Windows' rules on any system, because on Windows
   * {@code Path.of} throws for such a value and on Linux (the tests) it would not.
   */
  static boolean windowsAbsolute(@Nullable String value) {
    if (value == null) {
      return false;
    }
    int length = value.length();
    int start;
    if (length >= 3 && isAsciiLetter(value.charAt(0)) && value.charAt(1) == ':' && isSeparator(value.charAt(2))) {
      start = 3;
    } else if (length >= 5 && isSeparator(value.charAt(0)) && isSeparator(value.charAt(1))
        && !isSeparator(value.charAt(2))) {
      int share = 3;
      while (share < length && !isSeparator(value.charAt(share))) {
        share++;
      }
      if (share + 1 >= length || isSeparator(value.charAt(share + 1))) {
        return false; // \\server without a share
      }
      start = 2;
    } else {
      return false;
    }
    char last = 0;
    for (int i = start; i < length; i++) {
      char c = value.charAt(i);
      if (c < ' ' || "<>:\"|?*".indexOf(c) >= 0 || isSeparator(c) && last == ' ') {
        return false;
      }
      last = c;
    }
    return last != ' ';
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  private static boolean isSeparator(char c) {
    return c == '\\' || c == '/';
  }

  private static boolean absolute(@Nullable String value) {
    // Path.isAbsolute of this system would call "C:\x" relative on Linux; the XDG variables are Unix paths.
    return value != null && value.startsWith("/");
  }
}

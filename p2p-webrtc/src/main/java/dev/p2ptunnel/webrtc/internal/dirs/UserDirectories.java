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
 * relative path is invalid and to be ignored), the Windows ones when not blank. The cache has no fallback: without a
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
      base = set(local) ? Path.of(local) : home ? Path.of(userHome, "AppData", "Local") : null;
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
      base = set(appData) ? Path.of(appData) : Path.of(home, "AppData", "Roaming");
    } else if (os.startsWith("mac")) {
      base = Path.of(home, "Library", "Application Support");
    } else {
      String xdg = env.get("XDG_CONFIG_HOME");
      base = absolute(xdg) ? Path.of(xdg) : Path.of(home, ".config");
    }
    return base.resolve(NAME);
  }

  private static boolean set(@Nullable String value) {
    return value != null && !value.isBlank();
  }

  private static boolean absolute(@Nullable String value) {
    // Path.isAbsolute of this system would call "C:\x" relative on Linux; the XDG variables are Unix paths.
    return value != null && value.startsWith("/");
  }
}

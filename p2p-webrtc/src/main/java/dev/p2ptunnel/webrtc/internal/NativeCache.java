package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.p2ptunnel.webrtc.internal.dirs.PrivateFiles;
import dev.p2ptunnel.webrtc.internal.dirs.UserDirectories;
import dev.p2ptunnel.webrtc.internal.dirs.WriteAccess;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.jar.JarEntry;
import org.jspecify.annotations.Nullable;

/**
 * Loads libwebrtc from a copy kept in the user's cache directory, so that a start does not unpack it again:
 * webrtc-java 0.14.0's own loader inflates the 23 MB library from its jar into a temporary file on every start
 * (~0.2 CPU-seconds, docs/PERFORMANCE.md), then loads and deletes it. The copy is made once per library version, named
 * by the jar entry's size and CRC-32, written under a temporary name and renamed into place, in a directory only the
 * user may write (0700, or on Windows an owner-only ACL; a copy is loaded only from a directory no other user can
 * write, {@link #privateTo}): {@code native} in the user's cache directory of p2p-tunnel
 * ({@link UserDirectories#cache()}; {@code -Dp2p.native.cache=DIR} elsewhere, {@code =off} not at all).
 *
 * <p>webrtc-java is then told that its library is loaded (the name goes into its loader's set of loaded libraries), so
 * that it does not load a second copy. That needs reflective access to its loader, which a class path (the demo's
 * p2p-tunnel.jar) gives and a module path normally does not: wherever a step is not possible — no jar, no access, no
 * writable directory — nothing is done and webrtc-java loads its library as usual. Thread-safe; called under
 * {@link NativeObjects}' lock, once.
 */
final class NativeCache {
  /** The name webrtc-java 0.14.0's classes pass to its loader. */
  private static final String LIBRARY = "webrtc-java";
  private static final System.Logger LOG = System.getLogger(NativeCache.class.getName());

  private NativeCache() {}

  /**
   * Loads the cached copy (making it first if needed) and marks the library loaded for webrtc-java.
   *
   * @return whether it did; false leaves the loading to webrtc-java, as without this class
   */
  static boolean load() {
    try {
      Path directory = directory();
      String classifier = NativeLibrary.classifier(System.getProperty("os.name", ""),
          System.getProperty("os.arch", ""));
      if (directory == null || classifier == null) {
        return false;
      }
      Set<String> loaded = loadedSet();
      if (loaded == null || loaded.contains(LIBRARY)) {
        return false;
      }
      String file = System.mapLibraryName(LIBRARY + "-" + classifier);
      URL resource = PeerConnectionFactory.class.getClassLoader() == null ? null
          : PeerConnectionFactory.class.getClassLoader().getResource(file);
      if (resource == null) {
        return false;
      }
      URLConnection connection = resource.openConnection();
      if (!(connection instanceof JarURLConnection jar)) {
        return false; // not in a jar (an IDE's folder): nothing is unpacked anyway
      }
      connection.setUseCaches(true);
      JarEntry entry = jar.getJarEntry();
      if (entry == null || entry.getSize() <= 0 || entry.getCrc() < 0) {
        return false;
      }
      Path copy = cachedCopy(resource, directory.resolve(directoryName(entry.getCrc(), entry.getSize()))
          .resolve(file), entry.getSize());
      if (copy == null) {
        return false; // someone else could have written it: let webrtc-java unpack its own
      }
      System.load(copy.toAbsolutePath().toString());
      loaded.add(LIBRARY);
      return true;
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.log(Level.DEBUG, "libwebrtc not loaded from the cache, webrtc-java unpacks it: {0}", e.toString());
      return false;
    }
  }

  /** Where the copies are kept, or null for none. */
  static @Nullable Path directory() {
    String configured = System.getProperty("p2p.native.cache");
    if (configured != null) {
      return configured.equals("off") || configured.isBlank() ? null : Path.of(configured);
    }
    Path cache = UserDirectories.cache();
    return cache == null ? null : cache.resolve("native");
  }


  /** webrtc-java's set of loaded library names, or null if it cannot be reached. */
  @SuppressWarnings("unchecked")
  private static @Nullable Set<String> loadedSet() {
    try {
      Class<?> loader = Class.forName("dev.onvoid.webrtc.internal.NativeLoader", false,
          PeerConnectionFactory.class.getClassLoader());
      Field field = loader.getDeclaredField("LOADED_LIB_SET");
      field.setAccessible(true);
      Object value = field.get(null);
      return value instanceof Set<?> set ? (Set<String>) set : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // not this webrtc-java, or no access (module path): webrtc-java loads as usual
    }
  }

  /**
   * {@code copy}, made from {@code resource} first unless it is there with {@code size} bytes; null if its directory or
   * the one above it could be written by another user (then it is not to be loaded).
   *
   * <p>When making it fails but a copy of {@code size} bytes is there by then, that one is taken: another process made
   * it at the same time (two first starts at once) and renamed it into place whole. On Windows this is the usual end
   * of such a race, not a rare one: the other process has loaded its copy, and a loaded DLL cannot be replaced, so
   * this process's rename fails. Giving up there would let webrtc-java unpack a copy of its own into the temporary
   * directory, which on Windows is never deleted (its {@code deleteOnExit} cannot delete a loaded DLL): 23 MB left in
   * {@code %TEMP%} per such start.
   */
  static @Nullable Path cachedCopy(URL resource, Path copy, long size) throws IOException {
    if (!complete(copy, size)) {
      try {
        unpack(resource, copy);
      } catch (IOException e) {
        if (!complete(copy, size)) {
          throw e;
        }
      }
    }
    return privateTo(copy.getParent()) && privateTo(copy.getParent().getParent()) ? copy : null;
  }

  private static boolean complete(Path copy, long size) throws IOException {
    return Files.isRegularFile(copy) && Files.size(copy) == size;
  }

  /** Copies the library out of the jar into {@code copy}, atomically, in a directory only the user may write. */
  private static void unpack(URL resource, Path copy) throws IOException {
    Path parent = copy.getParent();
    createPrivate(parent.getParent());
    createPrivate(parent);
    Path temporary = Files.createTempFile(parent, copy.getFileName().toString(), ".tmp");
    try (InputStream in = resource.openStream()) {
      Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
      try {
        Files.move(temporary, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, copy, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Whether only this user can write {@code directory} ({@link WriteAccess#onlyUserMayWrite}: by its owner and
   * permissions where the file system is POSIX, by its owner and ACL where it has ACLs; true where it has neither).
   */
  static boolean privateTo(Path directory) throws IOException {
    if (!WriteAccess.checkable(directory)) {
      LOG.log(Level.DEBUG, "{0}: the file system has neither POSIX permissions nor ACLs; its copy is used unchecked",
          directory);
    }
    return WriteAccess.onlyUserMayWrite(directory);
  }

  private static void createPrivate(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    Files.createDirectories(directory.toAbsolutePath().getParent());
    PrivateFiles.createDirectory(directory); // 0700, or an owner-only ACL; made meanwhile by another process: fine
  }

  /**
   * {@code CRC-SIZE}: the CRC as eight lower-case hex digits (what {@code %08x-%d} made, without String.format, whose
   * first use costs tens of ms of CPU on the way to the first offer).
   */
  static String directoryName(long crc, long size) {
    String hex = Long.toHexString(crc);
    return "0".repeat(Math.max(0, 8 - hex.length())) + hex + "-" + size;
  }
}

package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.AccessDeniedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cached copy of libwebrtc: made once, privately, atomically; refused where others could have written it. */
class NativeCacheTest {
  @TempDir Path dir;

  @Test
  void shouldMakeTheCopyOnceInDirectoriesOnlyTheUserMayWrite() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs a POSIX file system");
    byte[] library = "not really a library".getBytes(StandardCharsets.UTF_8);
    URL resource = write(dir.resolve("jar-entry"), library);
    Path copy = dir.resolve("cache").resolve("native").resolve("0000abcd-20").resolve("libx.so");

    assertEquals(copy, NativeCache.cachedCopy(resource, copy, library.length));
    assertArrayEquals(library, Files.readAllBytes(copy));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.getParent())));
    assertEquals("rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.getParent().getParent())));
    try (Stream<Path> files = Files.list(copy.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }

    Files.writeString(dir.resolve("jar-entry"), "changed, same length"); // not read again: the copy is there
    NativeCache.cachedCopy(resource, copy, library.length);
    assertArrayEquals(library, Files.readAllBytes(copy));
  }

  @Test
  void shouldReplaceACopyOfTheWrongSize() throws IOException {
    byte[] library = "the whole library".getBytes(StandardCharsets.UTF_8);
    URL resource = write(dir.resolve("jar-entry"), library);
    Path copy = dir.resolve("native").resolve("v1").resolve("libx.so");
    NativeCache.cachedCopy(resource, copy, library.length);
    Files.writeString(copy, "cut");

    NativeCache.cachedCopy(resource, copy, library.length);

    assertArrayEquals(library, Files.readAllBytes(copy));
  }

  @Test
  void shouldTakeTheCopyAnotherProcessPutInPlaceWhenItsOwnFails() throws IOException {
    byte[] library = "the whole library".getBytes(StandardCharsets.UTF_8);
    Path copy = dir.resolve("native").resolve("v1").resolve("libx.so");
    // While this process unpacks, another one renames its complete copy into place and loads it; this process's own
    // attempt then fails (on Windows its rename over a loaded DLL is refused; here its read of the jar fails).
    URL resource = new URL(null, "test:libx.so", new URLStreamHandler() {
      @Override
      protected URLConnection openConnection(URL url) {
        return new URLConnection(url) {
          @Override
          public void connect() {}

          @Override
          public InputStream getInputStream() throws IOException {
            Files.write(copy, library);
            throw new AccessDeniedException(copy.toString(), null, "in use by another process");
          }
        };
      }
    });

    assertEquals(copy, NativeCache.cachedCopy(resource, copy, library.length));

    assertArrayEquals(library, Files.readAllBytes(copy));
    try (Stream<Path> files = Files.list(copy.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void shouldFailWhenItsOwnCopyFailsAndNoneIsThere() throws IOException {
    Path copy = dir.resolve("native").resolve("v1").resolve("libx.so");
    URL missing = dir.resolve("no-such-jar-entry").toUri().toURL();

    assertThrows(IOException.class, () -> NativeCache.cachedCopy(missing, copy, 10));
  }

  @Test
  void shouldRefuseACopyOthersCouldHaveWritten() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs a POSIX file system");
    byte[] library = "library".getBytes(StandardCharsets.UTF_8);
    URL resource = write(dir.resolve("jar-entry"), library);
    Path copy = dir.resolve("native").resolve("v1").resolve("libx.so");
    NativeCache.cachedCopy(resource, copy, library.length);
    Files.setPosixFilePermissions(copy.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));

    assertNull(NativeCache.cachedCopy(resource, copy, library.length));
  }

  @Test
  void shouldTakeTheConfiguredDirectoryOrNoneWhenOff() {
    String before = System.getProperty("p2p.native.cache");
    try {
      System.setProperty("p2p.native.cache", "off");
      assertNull(NativeCache.directory());
      System.setProperty("p2p.native.cache", dir.toString());
      assertEquals(dir, NativeCache.directory());
    } finally {
      if (before == null) {
        System.clearProperty("p2p.native.cache");
      } else {
        System.setProperty("p2p.native.cache", before);
      }
    }
  }

  private static URL write(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes);
    return file.toUri().toURL();
  }

  @Test
  void directoryNamesAreWhatTheFormatMade() {
    for (long crc : new long[] {0L, 0xAL, 0x1234L, 0x0ABCDEF0L, 0xFFFFFFFFL}) {
      for (long size : new long[] {1L, 23_456_789L}) {
        assertEquals(String.format(java.util.Locale.ROOT, "%08x-%d", crc, size), NativeCache.directoryName(crc, size));
      }
    }
  }
}

package dev.p2ptunnel.webrtc.internal.dirs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration and cache directories of each operating system, with and without the variables that move them. */
class UserDirectoriesTest {
  @Test
  void shouldUseTheXdgDirectoriesOnLinuxWhenAbsolute() {
    assertEquals(Path.of("/home/u/.cache/p2p-tunnel"), UserDirectories.cache(Map.of(), "Linux", "/home/u"));
    assertEquals(Path.of("/x/p2p-tunnel"), UserDirectories.cache(Map.of("XDG_CACHE_HOME", "/x"), "Linux", "/home/u"));
    assertEquals(Path.of("/home/u/.cache/p2p-tunnel"),
        UserDirectories.cache(Map.of("XDG_CACHE_HOME", "relative/c"), "Linux", "/home/u"), "relative: ignored");
    assertEquals(Path.of("/home/u/.cache/p2p-tunnel"),
        UserDirectories.cache(Map.of("XDG_CACHE_HOME", " "), "Linux", "/home/u"), "blank: ignored");
    assertEquals(Path.of("/home/u/.config/p2p-tunnel"), UserDirectories.config(Map.of(), "Linux", "/home/u"));
    assertEquals(Path.of("/y/p2p-tunnel"), UserDirectories.config(Map.of("XDG_CONFIG_HOME", "/y"), "Linux", "/home/u"));
    assertEquals(Path.of("/home/u/.config/p2p-tunnel"),
        UserDirectories.config(Map.of("XDG_CONFIG_HOME", "y"), "Linux", "/home/u"), "relative: ignored");
    assertEquals(Path.of("/x/p2p-tunnel"), UserDirectories.cache(Map.of("XDG_CACHE_HOME", "/x"), "FreeBSD", "/h"),
        "other Unix systems: the XDG rules");
  }

  @Test
  void shouldUseTheLibraryDirectoriesOnMacOs() {
    assertEquals(Path.of("/Users/u/Library/Caches/p2p-tunnel"),
        UserDirectories.cache(Map.of("XDG_CACHE_HOME", "/x"), "Mac OS X", "/Users/u"), "XDG is not macOS's");
    assertEquals(Path.of("/Users/u/Library/Application Support/p2p-tunnel"),
        UserDirectories.config(Map.of(), "Mac OS X", "/Users/u"));
  }

  @Test
  void shouldUseAppDataOnWindowsAndItsDefaultPlacesWithoutTheVariables() {
    String home = "C:\\Users\\u";
    assertEquals(Path.of("D:\\Local", "p2p-tunnel"),
        UserDirectories.cache(Map.of("LOCALAPPDATA", "D:\\Local"), "Windows 11", home));
    assertEquals(Path.of(home, "AppData", "Local", "p2p-tunnel"), UserDirectories.cache(Map.of(), "Windows 11", home),
        "no LOCALAPPDATA (a service account, a stripped environment): its default place");
    assertEquals(Path.of(home, "AppData", "Local", "p2p-tunnel"),
        UserDirectories.cache(Map.of("LOCALAPPDATA", ""), "Windows 10", home));
    assertEquals(Path.of("D:\\Roaming", "p2p-tunnel"),
        UserDirectories.config(Map.of("APPDATA", "D:\\Roaming"), "Windows 11", home));
    assertEquals(Path.of(home, "AppData", "Roaming", "p2p-tunnel"), UserDirectories.config(Map.of(), "Windows 11", home));
  }

  @Test
  void shouldIgnoreWindowsVariablesThatAreNoAbsolutePathWindowsAccepts() {
    String home = "C:\\Users\\u";
    Path cache = Path.of(home, "AppData", "Local", "p2p-tunnel");
    // cmd's `set LOCALAPPDATA="C:\x"` keeps the quotes, `set LOCALAPPDATA=C:\x && java …` a trailing space: on
    // Windows Path.of threw for both (illegal char, trailing char) and every command failed.
    assertEquals(cache, UserDirectories.cache(Map.of("LOCALAPPDATA", "\"D:\\Local\""), "Windows 11", home), "quoted");
    assertEquals(cache, UserDirectories.cache(Map.of("LOCALAPPDATA", "D:\\Local "), "Windows 11", home),
        "trailing space");
    assertEquals(cache, UserDirectories.cache(Map.of("LOCALAPPDATA", "D:\\Lo cal \\x"), "Windows 11", home),
        "a name ending in a space");
    assertEquals(cache, UserDirectories.cache(Map.of("LOCALAPPDATA", "D:\\a|b"), "Windows 11", home), "illegal char");
    assertEquals(cache, UserDirectories.cache(Map.of("LOCALAPPDATA", "Local"), "Windows 11", home),
        "relative: would put the cache in the working directory");
    assertEquals(cache, UserDirectories.cache(Map.of("LOCALAPPDATA", "D:Local"), "Windows 11", home),
        "relative to drive D's working directory");
    assertEquals(cache, UserDirectories.cache(Map.of("LOCALAPPDATA", "\\\\server"), "Windows 11", home),
        "a UNC path without a share");
    assertEquals(Path.of(home, "AppData", "Roaming", "p2p-tunnel"),
        UserDirectories.config(Map.of("APPDATA", "\"D:\\Roaming\""), "Windows 11", home), "quoted");
  }

  @Test
  void shouldTakeEveryAbsoluteWindowsPathWindowsAccepts() {
    assertTrue(UserDirectories.windowsAbsolute("C:\\Users\\John Smith\\AppData\\Local"), "spaces inside names");
    assertTrue(UserDirectories.windowsAbsolute("c:/Users/u"), "forward slashes, lower-case drive");
    assertTrue(UserDirectories.windowsAbsolute("C:\\"), "a drive's root");
    assertTrue(UserDirectories.windowsAbsolute("\\\\server\\share\\AppData"), "UNC");
    assertTrue(UserDirectories.windowsAbsolute("C:\\Users\\J\u00fcrgen\\AppData\\Local"), "non-ASCII");
    assertFalse(UserDirectories.windowsAbsolute(null));
    assertFalse(UserDirectories.windowsAbsolute(""));
    assertFalse(UserDirectories.windowsAbsolute("C:"), "the drive's working directory");
    assertFalse(UserDirectories.windowsAbsolute("C:\\a\tb"), "control character");
    assertFalse(UserDirectories.windowsAbsolute("C:\\a:b"), "a colon past the drive");
    assertFalse(UserDirectories.windowsAbsolute("\\\\server\\"), "UNC without a share");
  }

  @Test
  void shouldHaveNoCacheWithoutAHomeButAConfigurationInTheWorkingDirectory() {
    assertNull(UserDirectories.cache(Map.of(), "Linux", ""));
    assertNull(UserDirectories.cache(Map.of(), "Mac OS X", ""));
    assertNull(UserDirectories.cache(Map.of(), "Windows 11", ""));
    assertEquals(Path.of("/c/p2p-tunnel"), UserDirectories.cache(Map.of("XDG_CACHE_HOME", "/c"), "Linux", ""));
    assertEquals(Path.of(".", ".config", "p2p-tunnel"), UserDirectories.config(Map.of(), "Linux", ""));
  }
}

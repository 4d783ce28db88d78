package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When java -jar relaunches a command with a class archive, where the archives go and how they are named. */
class ClassArchiveTest {
  @TempDir
  Path dir;

  @Test
  void commandsAreRelaunchedButNotHelpVersionOrMistakes() {
    assertTrue(ClassArchive.applies("host", "--port", "25565"));
    assertTrue(ClassArchive.applies("client", "--session", "X"));
    assertTrue(ClassArchive.applies("signal"));
    assertTrue(ClassArchive.applies("try"));
    assertFalse(ClassArchive.applies());
    assertFalse(ClassArchive.applies("--version"));
    assertFalse(ClassArchive.applies("hots", "--port", "1"));
    assertFalse(ClassArchive.applies("host", "--help"));
    assertFalse(ClassArchive.applies("client", "-h"));
    assertFalse(ClassArchive.applies("signal", "-V"));
  }

  @Test
  void archivesGoToTheUsersCacheDirectoryOfEachSystem() {
    assertEquals(Path.of("/home/u/.cache/p2p-tunnel/cds"), ClassArchive.directory(Map.of(), "Linux", "/home/u"));
    assertEquals(Path.of("/x/p2p-tunnel/cds"),
        ClassArchive.directory(Map.of("XDG_CACHE_HOME", "/x"), "Linux", "/home/u"));
    assertEquals(Path.of("/home/u/.cache/p2p-tunnel/cds"),
        ClassArchive.directory(Map.of("XDG_CACHE_HOME", "relative"), "Linux", "/home/u"), "XDG: absolute only");
    assertEquals(Path.of("/Users/u/Library/Caches/p2p-tunnel/cds"),
        ClassArchive.directory(Map.of(), "Mac OS X", "/Users/u"));
    assertEquals(Path.of("C:\\Users\\u\\AppData\\Local", "p2p-tunnel", "cds"),
        ClassArchive.directory(Map.of("LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local"), "Windows 11", "C:\\Users\\u"));
    assertEquals(Path.of("/elsewhere"), ClassArchive.directory(Map.of("P2P_TUNNEL_CDS", "/elsewhere"), "Linux", "/h"));
    assertNull(ClassArchive.directory(Map.of("P2P_TUNNEL_CDS", "off"), "Linux", "/home/u"));
    assertNull(ClassArchive.directory(Map.of(), "Linux", ""), "no home, no cache");
  }

  @Test
  void onlyOneJarOnTheClassPathIsRelaunched() throws IOException {
    Path jar = Files.write(dir.resolve("p2p-tunnel.jar"), new byte[] {1});
    assertEquals(jar.toAbsolutePath(), ClassArchive.jar(jar.toString()));
    assertNull(ClassArchive.jar(dir.resolve("missing.jar").toString()));
    assertNull(ClassArchive.jar(dir.toString()), "classes in a directory (IDE, tests)");
    assertNull(ClassArchive.jar(jar + java.io.File.pathSeparator + dir));
    assertNull(ClassArchive.jar(""));
  }

  @Test
  void aNewJarOrJvmGetsANewArchive() throws IOException {
    Path jar = Files.write(dir.resolve("p2p-tunnel.jar"), new byte[] {1, 2});
    Path home = Files.createDirectories(dir.resolve("jdk/lib")).getParent();
    Files.write(home.resolve("lib/modules"), new byte[] {3});
    String key = ClassArchive.key(jar, home, "17.0.15+6");
    assertEquals(key, ClassArchive.key(jar, home, "17.0.15+6"));
    assertTrue(key.matches("[0-9a-f]{8}"), key);
    assertNotEquals(key, ClassArchive.key(jar, home, "17.0.16+8"), "another JVM build");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
    String older = ClassArchive.key(jar, home, "17.0.15+6");
    assertNotEquals(key, older, "the jar rebuilt");
    Files.write(home.resolve("lib/modules"), new byte[] {3, 4});
    assertNotEquals(older, ClassArchive.key(jar, home, "17.0.15+6"), "the JDK's runtime image changed");
  }

  @Test
  void theSecondJvmGetsTheSameOptionsAndArgumentsAndTheArchive() {
    Path jar = Path.of("/opt/p2p-tunnel.jar").toAbsolutePath();
    List<String> command = ClassArchive.command("/jdk/bin/java", List.of("-XX:Tier4InvocationThreshold=50000"),
        List.of("-Xmx256m", "-Dp2p.x=y"), "-XX:SharedArchiveFile=/c/host-1.jsa", 42, jar, "host", "--port", "9");
    assertEquals(List.of("/jdk/bin/java", "-XX:Tier4InvocationThreshold=50000", "-Xmx256m", "-Dp2p.x=y", "-XX:SharedArchiveFile=/c/host-1.jsa",
        "-Xlog:cds*=off", "-Dp2p.cds.parent=42", "-cp", jar.toString(), "dev.p2ptunnel.demo.Main", "host", "--port",
        "9"), command);
  }

  @Test
  void theSecondHotSpotJvmCompilesWithC2LaterAndTheUsersOwnCompilerOptionsWin() {
    List<String> hotSpot = ClassArchive.compilerOptions("OpenJDK 64-Bit Server VM");
    assertEquals(List.of("-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=6000",
        "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000"), hotSpot);
    assertEquals(hotSpot, ClassArchive.compilerOptions("Java HotSpot(TM) 64-Bit Server VM"));
    assertEquals(List.of(), ClassArchive.compilerOptions("Eclipse OpenJ9 VM"), "another VM: nothing it may not know");
    List<String> command = ClassArchive.command("java", hotSpot, List.of("-XX:Tier4InvocationThreshold=5000"),
        "-XX:SharedArchiveFile=/c/a.jsa", 1, Path.of("/p2p-tunnel.jar").toAbsolutePath(), "host");
    assertTrue(command.lastIndexOf("-XX:Tier4InvocationThreshold=5000")
        > command.indexOf("-XX:Tier4InvocationThreshold=50000"), "HotSpot takes the last of an option: the user's");
  }

  @Test
  void theJvmOptionsAreThoseBeforeDashJar() throws IOException {
    Path jar = Files.write(dir.resolve("p2p-tunnel.jar"), new byte[] {1});
    assertEquals(List.of("-Xmx256m", "-Dp2p.native.cache=off"), ClassArchive.beforeJar(new String[] {"-Xmx256m",
        "-Dp2p.native.cache=off", "-jar", jar.toString(), "host", "-jar", "x"}, jar));
    assertEquals(List.of(), ClassArchive.beforeJar(new String[] {"-jar", jar.toString(), "host"}, jar));
    assertNull(ClassArchive.beforeJar(new String[] {"-cp", jar.toString(), "dev.p2ptunnel.demo.Main", "host"}, jar),
        "not started with -jar: the JVM's own list is asked");
    assertNull(ClassArchive.beforeJar(new String[] {"-jar", dir.resolve("other.jar").toString(), "host"}, jar));
  }

  @Test
  void anArchiveDirectoryAnotherUserCouldWriteIsNotUsed() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
    Path parent = Files.createDirectory(dir.resolve("cache"));
    Path archives = Files.createDirectory(parent.resolve("cds"));
    assertTrue(ClassArchive.ours(archives));
    Files.setPosixFilePermissions(archives, PosixFilePermissions.fromString("rwxrwxr-x"));
    assertFalse(ClassArchive.ours(archives), "group-writable");
    Files.setPosixFilePermissions(archives, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertFalse(ClassArchive.ours(archives), "the directory above is writable by all: ours could be replaced");
    assertFalse(ClassArchive.ours(parent.resolve("missing")), "cannot be read");
    Files.setAttribute(parent, "unix:mode", 01777); // as /tmp: writable by all, but only owners rename their entries
    assertTrue(ClassArchive.ours(archives), "ours, in a sticky directory");
    Files.setPosixFilePermissions(archives, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertFalse(ClassArchive.ours(archives), "writable by all, in a sticky directory");
  }

  @Test
  void theDirectoriesTheRelaunchMakesAreItsOwnWhateverTheUmask() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
    Path archives = dir.resolve("cache").resolve("p2p-tunnel").resolve("cds");
    assertTrue(ClassArchive.makeDirectory(archives));
    assertTrue(ClassArchive.ours(archives));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archives.getParent())));
  }

  @Test
  void aFailureWhilePreparingLeavesTheCommandInThisJvm() {
    // Path.of rejects the value (on Windows a quoted one, set P2P_TUNNEL_CDS="D:\cds"; here a NUL).
    assertNull(ClassArchive.prepare(new String[] {"host"}, Map.of(ClassArchive.ENV, "/tmp/a\0b")));
    // A runtime without java.management: NoClassDefFoundError, an Error.
    Map<String, String> broken = new java.util.AbstractMap<>() {
      @Override
      public java.util.Set<Map.Entry<String, String>> entrySet() {
        throw new NoClassDefFoundError("java/lang/management/ManagementFactory");
      }

      @Override
      public String get(Object key) {
        throw new NoClassDefFoundError("java/lang/management/ManagementFactory");
      }
    };
    assertNull(ClassArchive.prepare(new String[] {"signal"}, broken));
    assertNull(ClassArchive.prepare(new String[] {"signal"}, new java.util.AbstractMap<String, String>() {
      @Override
      public java.util.Set<Map.Entry<String, String>> entrySet() {
        throw new IllegalStateException("injected");
      }
    }));
  }

  @Test
  void thisProcessIsWhatTheJdkSaysItIs() {
    // On Linux read from /proc rather than through ProcessHandle (whose first use costs the first JVM time before the
    // second can start); elsewhere the JDK's answer itself. Either way the same as ProcessHandle's.
    assertEquals(ProcessHandle.current().pid(), ThisProcess.pid());
    assertEquals(List.of(ProcessHandle.current().info().arguments().orElseThrow()),
        List.of(java.util.Objects.requireNonNull(ThisProcess.arguments())));
  }

  @Test
  void theCommandLineIsTheNulSeparatedArgumentsAfterTheProgram() {
    java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
    assertEquals(List.of("-Xmx64m", "-Dname=a b", "-jar", "/p/ü.jar", "", "host"), List.of(ThisProcess.commandLine(
        "/usr/bin/java\0-Xmx64m\0-Dname=a b\0-jar\0/p/ü.jar\0\0host\0".getBytes(utf8), utf8)));
    assertNull(ThisProcess.commandLine("java\0".getBytes(utf8), utf8), "no arguments");
    assertNull(ThisProcess.commandLine(new byte[0], utf8), "an empty file (a zombie's)");
  }

  @Test
  void theProcessIdIsTheLastOfTheNamespacesIds() {
    assertEquals(4242, ThisProcess.statusPid("Name:\tjava\nUmask:\t0022\nNSpid:\t4242\nNSpgid:\t1\n"));
    assertEquals(17, ThisProcess.statusPid("Name:\tjava\nNSpid:\t4242\t17\n"),
        "/proc of an outer PID namespace: the process's own id is the last");
    assertEquals(-1, ThisProcess.statusPid("Name:\tjava\nPid:\t4242\n"), "no NSpid line: the JDK is asked");
  }
}

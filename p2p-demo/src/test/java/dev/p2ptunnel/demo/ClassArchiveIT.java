package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar p2p-tunnel.jar signal} as a user runs it: the first run records a class archive in a second JVM
 * and keeps it after a clean stop, the next run uses it, a stop request reaches the second JVM and its exit code comes
 * back, the second JVM ends if the first is killed, and {@code P2P_TUNNEL_CDS=off} or a debugger agent runs in one
 * JVM. (The signaling server on loopback: no WebRTC.)
 */
class ClassArchiveIT {
  private static final Duration STEP = Duration.ofSeconds(60);

  @Test
  void recordsOnceThenUsesTheArchiveAndForwardsStops() throws Exception {
    Path cds = Files.createDirectories(Path.of("target", "it-cds")).toAbsolutePath();
    Path dir = Files.createTempDirectory(cds, "archives-");
    Map<String, String> env = Map.of(ClassArchive.ENV, dir.toString());

    try (DemoProcess first = DemoProcess.start("cds-record", env, "signal", "--port", "0", "--bind", "127.0.0.1")) {
      first.awaitLine(line -> line.startsWith("Signaling server listening on 127.0.0.1:"), STEP);
      ProcessHandle second = onlyChild(first);
      assertTrue(arguments(second).stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + dir)),
          "records: " + arguments(second));
      assertTrue(arguments(second).contains("-D" + ClassArchive.PARENT_PROPERTY + "=" + first.handle().pid()),
          "the second JVM watches the first by its pid: " + arguments(second));
      first.signal("TERM");
      assertEquals(0, first.awaitExit(STEP), "the second JVM's exit code after a clean stop");
      assertFalse(second.isAlive());
    }
    List<Path> archives = list(dir);
    assertEquals(1, archives.size(), "one archive, no partial file left: " + archives);
    Path archive = archives.get(0);
    assertTrue(archive.getFileName().toString().matches("signal-[0-9a-f]{8}\\.jsa"), archive.toString());
    assertTrue(Files.size(archive) > 1_000_000, "an archive of some thousand classes: " + Files.size(archive));

    try (DemoProcess next = DemoProcess.start("cds-use", env, "signal", "--port", "0", "--bind", "127.0.0.1")) {
      next.awaitLine(line -> line.startsWith("Signaling server listening on 127.0.0.1:"), STEP);
      ProcessHandle second = onlyChild(next);
      assertTrue(arguments(second).contains("-XX:SharedArchiveFile=" + archive), "uses: " + arguments(second));
      // Killed as a crash or `kill -9` would: the second JVM notices and ends itself.
      next.handle().destroyForcibly();
      assertNotNull(second.onExit().get(STEP.toSeconds(), TimeUnit.SECONDS));
    }
    assertEquals(List.of(archive), list(dir), "nothing recorded again");
  }

  @Test
  void offRunsInOneJvm() throws Exception {
    try (DemoProcess only = DemoProcess.start("cds-off", Map.of(ClassArchive.ENV, "off"), "signal", "--port", "0",
        "--bind", "127.0.0.1")) {
      only.awaitLine(line -> line.startsWith("Signaling server listening on 127.0.0.1:"), STEP);
      assertEquals(0, only.handle().children().count());
      only.signal("INT");
      assertEquals(0, only.awaitExit(STEP));
    }
  }

  @Test
  void aDirectoryOthersCanWriteRunsInOneJvmAndRecordsNothing() throws Exception {
    // Another user's archive there would be their classes in our JVM: the directory is not used.
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-cds")), "shared-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
    Map<String, String> env = Map.of(ClassArchive.ENV, dir.toAbsolutePath().toString());
    try (DemoProcess only = DemoProcess.start("cds-shared", env, "signal", "--port", "0", "--bind", "127.0.0.1")) {
      only.awaitLine(line -> line.startsWith("Signaling server listening on 127.0.0.1:"), STEP);
      assertEquals(0, only.handle().children().count());
      only.signal("TERM");
      assertEquals(0, only.awaitExit(STEP));
    }
    assertEquals(List.of(), list(dir), "nothing recorded");
  }

  @Test
  void aDebuggerAgentRunsInOneJvm() throws Exception {
    // Relaunched, both JVMs would load it: the recording run's dump refuses a native agent (exit 1), and with an
    // archive a second jdwp finds the debug port taken (exit 2). Port 0 here: any free loopback port.
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-cds")), "agent-");
    Map<String, String> env = Map.of(ClassArchive.ENV, dir.toAbsolutePath().toString(), "JAVA_TOOL_OPTIONS",
        "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0");
    try (DemoProcess only = DemoProcess.start("cds-agent", env, "signal", "--port", "0", "--bind", "127.0.0.1")) {
      only.awaitLine(line -> line.startsWith("Signaling server listening on 127.0.0.1:"), STEP);
      assertEquals(0, only.handle().children().count());
      only.signal("TERM");
      assertEquals(0, only.awaitExit(STEP));
    }
    assertEquals(List.of(), list(dir), "nothing recorded");
  }

  private static ProcessHandle onlyChild(DemoProcess process) {
    List<ProcessHandle> children = process.handle().children().toList();
    assertEquals(1, children.size(), "one second JVM: " + children);
    return children.get(0);
  }

  private static List<String> arguments(ProcessHandle process) {
    return Arrays.asList(process.info().arguments().orElse(new String[0]));
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }
}

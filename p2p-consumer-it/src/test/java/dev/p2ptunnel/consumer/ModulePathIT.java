package dev.p2ptunnel.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The library as a user's modular application gets it: {@link ConsumerApp} runs as a named module with every jar on
 * the module path ({@code java --module-path … -m …}, no other flag), opens a real tunnel and echoes through it.
 * Before p2p-natives-resolver this failed with a NullPointerException in webrtc-java's loader unless the user added
 * {@code --add-modules webrtc.linux.x86_64}.
 */
@Timeout(180)
class ModulePathIT {

  /** The application's jar and its runtime dependencies, as Maven resolved them for it. */
  private static List<Path> modulePath() throws IOException {
    String jar = System.getProperty("p2p.consumer.jar");
    String dependencies = System.getProperty("p2p.consumer.dependencies");
    assertNotNull(jar, "p2p.consumer.jar: unset (expected: set by failsafe)");
    assertNotNull(dependencies, "p2p.consumer.dependencies: unset (expected: set by failsafe)");
    List<Path> path = new ArrayList<>(List.of(Path.of(jar)));
    for (String entry : Files.readString(Path.of(dependencies)).strip().split(File.pathSeparator)) {
      path.add(Path.of(entry));
    }
    return path;
  }

  @Test
  void shouldRunATunnelAsANamedModuleWithoutAnyFlag() throws Exception {
    String ns = System.getenv("P2P_TEST_NETNS");
    if (ns == null || ns.isEmpty()) {
      String why = System.getenv("P2P_TEST_NETNS_UNAVAILABLE");
      String reason = "SKIPPED: needs a test network namespace (libwebrtc gathers no loopback candidates): "
          + (why == null ? "JVM not started through scripts/netns-java" : why);
      System.err.println(reason);
      Assumptions.abort(reason);
    }
    StringBuilder modulePath = new StringBuilder();
    for (Path entry : modulePath()) {
      modulePath.append(modulePath.length() == 0 ? "" : File.pathSeparator).append(entry);
    }
    List<String> command = List.of(System.getProperty("p2p.consumer.java"), "--module-path", modulePath.toString(),
        "-m", "dev.p2ptunnel.consumer/" + ConsumerApp.class.getName());
    System.out.println("running " + String.join(" ", command));
    Process app = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println(output);
    assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the application did not exit");
    assertEquals(0, app.exitValue(), output);
    assertTrue(output.contains("running as module dev.p2ptunnel.consumer, p2p-webrtc as module dev.p2ptunnel.webrtc"),
        output);
    assertFalse(output.contains("native modules in the boot layer: []"), output);
    assertTrue(output.contains("echo ok: 262144 bytes through the tunnel and back"), output);
  }

  @Test
  void shouldGiveUsersNoJspecifyAndOurJarsTheirVersion() throws IOException {
    String version = System.getProperty("p2p.version");
    List<String> ours = new ArrayList<>();
    for (Path entry : modulePath()) {
      String name = entry.getFileName().toString();
      assertFalse(name.startsWith("jspecify"), "jspecify reached a user's runtime: " + entry);
      if (name.startsWith("p2p-")) {
        try (JarFile jar = new JarFile(entry.toFile())) {
          assertEquals(version, jar.getManifest().getMainAttributes().getValue("Implementation-Version"), name);
        }
        ours.add(name.substring(0, name.indexOf("-" + version)));
      }
    }
    ours.sort(null);
    // p2p-signaling-api: the wire vocabulary of the HTTP signaling clients; never the server (p2p-signaling).
    assertEquals(List.of("p2p-bridge", "p2p-consumer-it", "p2p-natives-resolver", "p2p-protocol", "p2p-signaling-api",
        "p2p-webrtc"), ours);
  }
}

package dev.p2ptunnel.rendezvous;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * p2p-rendezvous as a named module, the way a modular application runs it: a JVM with this module and its runtime
 * dependencies on the module path opens a rendezvous on a real broker. (It failed with NoClassDefFoundError for
 * JCTools until module-info required that explicit module.)
 */
@Timeout(120)
class ModulePathTest {
  @Test
  void shouldConnectWithTheModuleAndItsDependenciesOnTheModulePath() throws Exception {
    Mosquitto.assumeInstalled();
    try (Mosquitto broker = Mosquitto.start("module-path")) {
      List<String> modulePath = new ArrayList<>();
      String testClasses = null;
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        if (entry.endsWith("test-classes")) {
          testClasses = entry;
        } else if (!entry.contains("junit") && !entry.contains("opentest4j") && !entry.contains("apiguardian")) {
          modulePath.add(entry);
        }
      }
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process process = new ProcessBuilder(java, "--module-path", String.join(File.pathSeparator, modulePath),
          "--add-modules", "dev.p2ptunnel.rendezvous", "-cp", testClasses,
          "dev.p2ptunnel.rendezvousprobe.ModulePathProbe", broker.uri().toString()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(60, TimeUnit.SECONDS);
      assertEquals("opened in module dev.p2ptunnel.rendezvous via [" + broker.uri() + "]", output.strip(), output);
    }
  }
}

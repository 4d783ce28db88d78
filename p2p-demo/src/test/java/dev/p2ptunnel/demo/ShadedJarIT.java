package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What p2p-demo/pom.xml's shade filters leave out of p2p-tunnel.jar is never needed: every class our own code can
 * reach (its static class closure, computed by the JDK's jdeps over the built jar) is in it, no reachable Bouncy
 * Castle class loads classes by name (the one way a closure misses a class), and every service entry names a class the
 * jar holds (ServiceLoader fails on the first missing one).
 *
 * <p>In the {@code long} profile (CI runs it beside the default build): jdeps over the whole jar takes 21-29 s alone and
 * up to ~110 s beside other builds, and what it guards changes only with the dependencies or the shade filters.
 */
@Tag("long")
@Timeout(300)
class ShadedJarIT {
  private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(.+)$");
  private static final String FILTERED = "org.bouncycastle.";

  /** Class to the classes it refers to; and the referred classes jdeps found nowhere (not in the jar, not the JDK). */
  private static final Map<String, Set<String>> EDGES = new HashMap<>();
  private static final Set<String> NOT_FOUND = new HashSet<>();

  private static Path jar() {
    String jar = System.getProperty("p2p.demo.jar");
    assertNotNull(jar, "p2p.demo.jar: unset (expected: set by failsafe to target/p2p-tunnel.jar)");
    return Path.of(jar);
  }

  @BeforeAll
  static void dependencies() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElse(null);
    assertNotNull(jdeps, "jdeps: not in this JDK (module jdk.jdeps); the check needs a full JDK");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-filter:none",
        "--ignore-missing-deps", jar().toString());
    assertEquals(0, code, "jdeps failed: " + err);
    for (String line : out.toString().split("\\R")) {
      Matcher edge = EDGE.matcher(line);
      if (edge.matches()) {
        EDGES.computeIfAbsent(edge.group(1), k -> new HashSet<>()).add(edge.group(2));
        if (edge.group(3).strip().equals("not found")) {
          NOT_FOUND.add(edge.group(2));
        }
      }
    }
  }

  /** Every class reachable from p2p-tunnel's own classes (dev.p2ptunnel.*), themselves included. */
  private static Set<String> closure() {
    Set<String> seen = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>();
    for (String type : EDGES.keySet()) {
      if (type.startsWith("dev.p2ptunnel.")) {
        seen.add(type);
        todo.add(type);
      }
    }
    while (!todo.isEmpty()) {
      for (String next : EDGES.getOrDefault(todo.pop(), Set.of())) {
        if (seen.add(next)) {
          todo.add(next);
        }
      }
    }
    return seen;
  }

  @Test
  void shouldHoldEveryBouncyCastleClassOurCodeCanReach() throws IOException {
    Set<String> closure = closure();
    assertTrue(closure.contains("org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder"),
        "the closure misses Identity's certificate builder: the jdeps output was not understood");
    List<String> missing = new ArrayList<>();
    for (String type : closure) {
      if (type.startsWith(FILTERED) && NOT_FOUND.contains(type)) {
        missing.add(type);
      }
    }
    assertEquals(List.of(), missing, "reachable from our code but filtered out of the jar (p2p-demo/pom.xml)");

    List<String> byName = new ArrayList<>();
    try (JarFile file = new JarFile(jar().toFile())) {
      for (String type : closure) {
        if (!type.startsWith(FILTERED)) {
          continue;
        }
        JarEntry entry = file.getJarEntry(type.replace('.', '/') + ".class");
        assertNotNull(entry, type + ": in the closure, not in the jar");
        String constants;
        try (InputStream in = file.getInputStream(entry)) {
          constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        if (constants.contains("forName") || constants.contains("loadClass")) {
          byName.add(type);
        }
      }
    }
    assertEquals(List.of(), byName, "reachable Bouncy Castle classes that load classes by name: what they load may be "
        + "filtered out without the closure showing it; check them before changing the filters");
  }

  @Test
  void shouldLeaveOutBouncyCastlesProviderWhole() throws IOException {
    try (JarFile file = new JarFile(jar().toFile())) {
      // The provider finds its algorithm classes by name and is kept only with all of them (see the POM).
      assertNull(file.getEntry("org/bouncycastle/jce/provider/BouncyCastleProvider.class"),
          "BouncyCastleProvider is in the jar but its algorithm classes are filtered out");
      assertNull(file.getEntry("META-INF/services/java.security.Provider"),
          "a java.security.Provider service entry names a provider the jar leaves out");
    }
  }

  @Test
  void shouldNameOnlyClassesTheJarHoldsInServiceEntries() throws IOException {
    List<String> problems = new ArrayList<>();
    int services = 0;
    try (JarFile file = new JarFile(jar().toFile())) {
      for (JarEntry entry : java.util.Collections.list(file.entries())) {
        if (!entry.getName().startsWith("META-INF/services/") || entry.isDirectory()) {
          continue;
        }
        services++;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(file.getInputStream(entry),
            StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            String name = line.replaceAll("#.*", "").strip();
            if (!name.isEmpty() && file.getEntry(name.replace('.', '/') + ".class") == null) {
              problems.add(entry.getName() + ": " + name);
            }
          }
        }
      }
    }
    assertFalse(services == 0, "no service entries at all: the jar is not the shaded one");
    assertEquals(List.of(), problems, "service entries naming classes the jar does not hold");
  }
}

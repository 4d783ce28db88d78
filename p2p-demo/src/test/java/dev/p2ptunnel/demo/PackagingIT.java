package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.internal.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * p2p-tunnel.jar as shipped: it holds libwebrtc for every platform webrtc-java 0.14.0 publishes, webrtc-java's
 * loader in it asks for the right one on each platform, the one for this machine really loads, and the jar knows
 * its version.
 */
@Timeout(120)
class PackagingIT {
  /** Every native in the jar: its file name, and the binary format and CPU it must be built for. */
  private static final Map<String, String> NATIVES = new TreeMap<>(Map.of(
      "webrtc-java-windows-x86_64.dll", "PE x86_64",
      "libwebrtc-java-macos-x86_64.dylib", "Mach-O x86_64",
      "libwebrtc-java-macos-aarch64.dylib", "Mach-O aarch64",
      "libwebrtc-java-linux-x86_64.so", "ELF x86_64",
      "libwebrtc-java-linux-aarch64.so", "ELF aarch64",
      "libwebrtc-java-linux-aarch32.so", "ELF aarch32"));

  /** os.name and os.arch as JDKs report them, and the file webrtc-java must load there. */
  private static final String[][] PLATFORMS = {
      {"Windows 10", "amd64", "webrtc-java-windows-x86_64.dll"},
      {"Windows Server 2022", "amd64", "webrtc-java-windows-x86_64.dll"},
      {"Mac OS X", "x86_64", "libwebrtc-java-macos-x86_64.dylib"},
      {"Mac OS X", "aarch64", "libwebrtc-java-macos-aarch64.dylib"},
      {"Linux", "amd64", "libwebrtc-java-linux-x86_64.so"},
      {"Linux", "aarch64", "libwebrtc-java-linux-aarch64.so"},
      {"Linux", "arm", "libwebrtc-java-linux-aarch32.so"},
  };

  private static Path jar() {
    String jar = System.getProperty("p2p.demo.jar");
    assertNotNull(jar, "p2p.demo.jar: unset (expected: set by failsafe to target/p2p-tunnel.jar)");
    return Path.of(jar);
  }

  @Test
  void shouldCarryTheNativeOfEveryPublishedPlatformBuiltForItsCpu() throws IOException {
    Map<String, String> found = new TreeMap<>();
    try (JarFile jar = new JarFile(jar().toFile())) {
      for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
        String name = entry.getName();
        if (name.endsWith(".so") || name.endsWith(".dll") || name.endsWith(".dylib")) {
          try (InputStream in = jar.getInputStream(entry)) {
            found.put(name, binaryKind(in.readNBytes(4096)));
          }
        }
      }
      assertNull(jar.getEntry("module-info.class"), "the merged jar runs on the class path, without a module-info");
    }
    assertEquals(NATIVES, found);
    System.out.println("p2p-tunnel.jar: " + Files.size(jar()) + " bytes, natives " + found);
  }

  @Test
  void shouldMakeWebRtcJavaAskForTheFileOfEachPlatform() throws Exception {
    List<String> problems = new ArrayList<>();
    for (String[] platform : PLATFORMS) {
      String base = requestedBase(platform[0], platform[1]);
      String file = fileOn(platform[0], base);
      if (!platform[2].equals(file)) {
        problems.add(platform[0] + "/" + platform[1] + ": webrtc-java asks for " + file + ", expected " + platform[2]);
      }
      try (JarFile jar = new JarFile(jar().toFile())) {
        if (jar.getEntry(file) == null) {
          problems.add(platform[0] + "/" + platform[1] + ": p2p-tunnel.jar has no " + file);
        }
      }
      if (!base.equals("webrtc-java-" + NativeLibrary.classifier(platform[0], platform[1]))) {
        problems.add(platform[0] + "/" + platform[1] + ": NativeLibrary.classifier disagrees with " + base);
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void shouldLackOnlyWhatWebRtcJavaDoesNotPublish() throws Exception {
    // Windows on ARM: webrtc-java asks for a file it has never published (an x64 JDK there reports amd64).
    String requested = fileOn("Windows 11", requestedBase("Windows 11", "aarch64"));
    assertEquals("webrtc-java-windows-aarch64.dll", requested);
    try (JarFile jar = new JarFile(jar().toFile())) {
      assertNull(jar.getEntry(requested));
    }
    // An operating system it does not know: it gives up before looking for a file.
    InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> loadWithWithheldResources("FreeBSD", "amd64", new ArrayList<>()));
    assertEquals("Unsupported operating system: freebsd", e.getCause().getMessage());
  }

  @Test
  void shouldLoadTheNativeOfThisMachine() throws Exception {
    if (!Files.isReadable(Path.of("/proc/self/maps"))) {
      String reason = "SKIPPED: reading which native got mapped needs /proc/self/maps (Linux)";
      System.err.println(reason);
      Assumptions.abort(reason);
    }
    String classifier = NativeLibrary.classifier(System.getProperty("os.name"), System.getProperty("os.arch"));
    Path testClasses = Path.of(PackagingIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path cache = Files.createTempDirectory("native-cache");
    Process probe = new ProcessBuilder(System.getProperty("p2p.demo.java"), "-Dp2p.native.cache=" + cache, "-cp",
        jar() + java.io.File.pathSeparator + testClasses, NativeLoadProbe.class.getName())
        .redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println("native load probe:\n" + output);
    assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "probe did not exit: " + output);
    assertEquals(0, probe.exitValue(), output);
    // The library keeps a copy of "lib<name>.so" in its native cache (here a fresh directory) and loads that; where
    // the cache cannot be used, webrtc-java extracts it to a temporary file "lib<name><digits>.so".
    String prefix = "/libwebrtc-java-" + classifier;
    assertTrue(output.lines().anyMatch(line -> line.contains(prefix) && (line.contains(cache.toString())
            || line.matches(".*" + prefix + "\\d+\\.so.*"))),
        "expected a mapped " + prefix + ".so from " + cache + " (or <digits>.so from webrtc-java) in:\n" + output);
    assertTrue(output.lines().noneMatch(line -> line.contains("/libwebrtc-java-") && !line.contains(prefix)),
        "only this platform's native is loaded:\n" + output);
  }

  @Test
  void shouldReportTheBuildVersion() throws Exception {
    String version = System.getProperty("p2p.version");
    assertNotNull(version, "p2p.version: unset (expected: set by failsafe to the project version)");
    try (JarFile jar = new JarFile(jar().toFile())) {
      assertEquals(version, jar.getManifest().getMainAttributes().getValue("Implementation-Version"));
    }
    try (DemoProcess demo = DemoProcess.start("version", "--version")) {
      assertEquals("p2p-tunnel " + version, demo.awaitLine(line -> true, Duration.ofSeconds(30)));
      assertEquals(0, demo.awaitExit(Duration.ofSeconds(30)));
    }
    try (DemoProcess demo = DemoProcess.start("client-version", "client", "--version")) {
      assertEquals("p2p-tunnel " + version, demo.awaitLine(line -> true, Duration.ofSeconds(30)));
      assertEquals(0, demo.awaitExit(Duration.ofSeconds(30)));
    }
  }

  /**
   * The library name whose file webrtc-java's NativeLoader (loaded from p2p-tunnel.jar) looks up with these os.name
   * and os.arch, e.g. "webrtc-java-macos-aarch64". It asks for {@code System.mapLibraryName(name)}, which this JVM
   * maps the Linux way ({@code lib<name>.so}); {@link #fileOn} gives the name the target system's JDK maps it to.
   */
  private static String requestedBase(String osName, String osArch) throws Exception {
    List<String> requested = new ArrayList<>();
    InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> loadWithWithheldResources(osName, osArch, requested));
    assertInstanceOf(NullPointerException.class, e.getCause(), "the withheld resource stops it");
    assertEquals(1, requested.size(), osName + "/" + osArch + ": " + requested);
    String probe = System.mapLibraryName("X");
    String prefix = probe.substring(0, probe.indexOf('X'));
    String suffix = probe.substring(probe.indexOf('X') + 1);
    String file = requested.get(0);
    assertTrue(file.startsWith(prefix) && file.endsWith(suffix), file);
    return file.substring(prefix.length(), file.length() - suffix.length());
  }

  /** The file System.mapLibraryName(base) names on that operating system (its JDK's JNI prefix and suffix). */
  private static String fileOn(String osName, String base) {
    String os = osName.toLowerCase(java.util.Locale.ROOT);
    if (os.startsWith("windows")) {
      return base + ".dll";
    }
    return "lib" + base + (os.startsWith("mac") ? ".dylib" : ".so");
  }

  /**
   * Runs NativeLoader.loadLibrary("webrtc-java") from p2p-tunnel.jar, in a class loader of its own, as if on the
   * given platform; the loader records every resource asked for and finds none, so nothing is loaded.
   */
  private static void loadWithWithheldResources(String osName, String osArch, List<String> requested)
      throws Exception {
    String realName = System.getProperty("os.name");
    String realArch = System.getProperty("os.arch");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar().toUri().toURL()},
        ClassLoader.getPlatformClassLoader()) {
      @Override
      public InputStream getResourceAsStream(String name) {
        requested.add(name);
        return null;
      }
    }) {
      Class<?> nativeLoader = Class.forName("dev.onvoid.webrtc.internal.NativeLoader", true, loader);
      System.setProperty("os.name", osName);
      System.setProperty("os.arch", osArch);
      try {
        nativeLoader.getMethod("loadLibrary", String.class).invoke(null, "webrtc-java");
      } finally {
        System.setProperty("os.name", realName);
        System.setProperty("os.arch", realArch);
      }
    }
  }

  /** "ELF x86_64", "PE x86_64", "Mach-O aarch64", … from the first bytes of a native library. */
  private static String binaryKind(byte[] head) {
    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    if (head.length > 20 && b.getInt(0) == 0x464C457F) { // 0x7F 'E' 'L' 'F'
      int machine = b.getShort(18) & 0xFFFF;
      return "ELF " + (machine == 0x3E ? "x86_64" : machine == 0xB7 ? "aarch64" : machine == 0x28 ? "aarch32"
          : "machine 0x" + Integer.toHexString(machine));
    }
    if (head.length > 0x40 && b.getShort(0) == 0x5A4D) { // 'M' 'Z'
      int pe = b.getInt(0x3C);
      if (pe + 6 <= head.length && b.getInt(pe) == 0x00004550) { // 'P' 'E' 0 0
        int machine = b.getShort(pe + 4) & 0xFFFF;
        return "PE " + (machine == 0x8664 ? "x86_64" : machine == 0xAA64 ? "aarch64"
            : "machine 0x" + Integer.toHexString(machine));
      }
    }
    if (head.length > 8 && b.getInt(0) == 0xFEEDFACF) { // 64-bit Mach-O, little-endian
      int cpu = b.getInt(4);
      return "Mach-O " + (cpu == 0x01000007 ? "x86_64" : cpu == 0x0100000C ? "aarch64"
          : "cpu 0x" + Integer.toHexString(cpu));
    }
    return "unknown format";
  }
}

package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.internal.dirs.UserDirectories;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * {@code java -jar p2p-tunnel.jar host|client|signal|try …} runs the command in a second JVM that maps a class
 * archive of this jar's own earlier runs (AppCDS): Java 17 takes an application class archive only from the command
 * line, never from a jar, and without one each start spends ~0.3-0.6 CPU-seconds more on loading, verifying and compiling
 * the same classes (docs/PERFORMANCE.md, "Start, fourth session"). The first run of a command records the archive
 * ({@code -XX:ArchiveClassesAtExit}, written when that JVM exits and kept only after exit code 0); later runs use it.
 * This JVM only starts the other one, with the same JVM options, arguments, standard streams and working directory,
 * forwards a stop request to it and exits with its exit code; the other one ends itself if this one disappears.
 * The second JVM's command line being ours, it also gets later C2 thresholds ({@link #compilerOptions}).
 *
 * <p>Skipped (the command runs here) when {@code P2P_TUNNEL_CDS=off}, for help and version, when the JVM was given an
 * archive option already (experiments, a launcher of one's own), when the classes do not come from one jar, and
 * when the second JVM cannot be started. {@code P2P_TUNNEL_CDS=DIR} keeps the archives in DIR instead of the user's
 * cache directory. Main thread only, once per process; not thread-safe.
 */
final class ClassArchive {
  /** Set on the second JVM: the pid of the JVM that started it. */
  static final String PARENT_PROPERTY = "p2p.cds.parent";
  /** The environment variable: {@code off}, or the directory of the archives. */
  static final String ENV = "P2P_TUNNEL_CDS";

  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  private static final Set<String> COMMANDS = Set.of("host", "client", "signal", "try");
  private static final Set<String> INFO_OPTIONS = Set.of("-h", "--help", "-V", "--version");
  /** JVM options that choose an archive already, or none: the JVM then runs the command itself. */
  private static final List<String> OWN_ARCHIVE_OPTIONS = List.of("-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
      "-Xshare:off", "-Xshare:dump", "-XX:-UseSharedSpaces");
  /** Archives kept per command (other jars and JVMs): the oldest beyond this are deleted when one is written. */
  private static final int KEPT_PER_COMMAND = 4;
  /** The second JVM's C2 thresholds, ten times HotSpot's defaults ({@link #compilerOptions}). */
  private static final List<String> COMPILER_OPTIONS = List.of("-XX:Tier4InvocationThreshold=50000",
      "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000");

  /** The second JVM's exit code once {@link #finish} has it; guarded by the class lock. */
  private static @Nullable Integer exitCode;

  private ClassArchive() {}

  /**
   * Runs {@code args} in a second JVM with the archive when that applies; returns its exit code, or empty if the
   * command is to run in this JVM.
   */
  static OptionalInt relaunch(String[] args) {
    if (System.getProperty(PARENT_PROPERTY) != null) {
      endWithParent(System.getProperty(PARENT_PROPERTY));
      return OptionalInt.empty();
    }
    @Nullable Path dir = directory(System.getenv(), System.getProperty("os.name", ""),
        System.getProperty("user.home", ""));
    @Nullable Path jar = jar(System.getProperty("java.class.path", ""));
    if (dir == null || jar == null || !applies(args)) {
      return OptionalInt.empty();
    }
    List<String> jvmOptions = jvmOptions(jar);
    if (jvmOptions == null) {
      return OptionalInt.empty();
    }
    Path javaHome = Path.of(System.getProperty("java.home"));
    Path archive;
    try {
      archive = dir.resolve(args[0] + "-" + key(jar, javaHome, System.getProperty("java.vm.version", "")) + ".jsa");
    } catch (IOException e) {
      return OptionalInt.empty();
    }
    boolean record = !Files.isRegularFile(archive);
    long pid = ThisProcess.pid();
    Path partial = archive.resolveSibling(archive.getFileName() + "." + pid + ".part");
    if (record && !makeDirectory(dir)) {
      return OptionalInt.empty();
    }
    List<String> command = command(java(javaHome), compilerOptions(System.getProperty("java.vm.name", "")), jvmOptions,
        record ? "-XX:ArchiveClassesAtExit=" + partial : "-XX:SharedArchiveFile=" + archive, pid, jar, args);
    Process child;
    try {
      child = new ProcessBuilder(command).inheritIO().start();
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
    // A stop request (Ctrl-C, SIGTERM) for this JVM goes on to the other one, which stops cleanly; this one then
    // ends with its exit code. (Ctrl-C in a terminal reaches both anyway; a second request is harmless.)
    // (No lambda or stream on this JVM's path, and p2p-demo is compiled without invokedynamic string concatenation:
    // the first use of each costs this JVM ~10-20 ms.)
    Runtime.getRuntime().addShutdownHook(new Thread(new Forward(child, record, partial, archive),
        "p2p-tunnel-cds-forward"));
    return OptionalInt.of(finish(child, record, partial, archive));
  }

  /** The shutdown hook: passes a stop request on and ends this JVM with the second one's exit code. */
  private record Forward(Process child, boolean record, Path partial, Path archive) implements Runnable {
    @Override
    public void run() {
      if (WINDOWS) {
        // destroy() is TerminateProcess there, no stop request: Ctrl-C reaches every process of the console, so the
        // second JVM is stopping by itself; it is ended only if it has not within its own budget and then some.
        waitQuietly(child, Shutdown.CLOSE_BUDGET_MS + 3_000);
      }
      if (child.isAlive()) {
        child.destroy(); // SIGTERM elsewhere: the second JVM's clean stop
      }
      Runtime.getRuntime().halt(finish(child, record, partial, archive));
    }

    private static void waitQuietly(Process child, long millis) {
      try {
        child.waitFor(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The JVM options this JVM was started with (those before {@code -jar JAR} on its command line), or null if one of
   * them chooses an archive already. The command line from the operating system where it has one (Linux, macOS: no
   * management classes to load), else the JVM's own list.
   */
  static @Nullable List<String> jvmOptions(Path jar) {
    List<String> options = null;
    String[] argv = ThisProcess.arguments();
    if (argv != null) {
      options = beforeJar(argv, jar);
    }
    if (options == null) {
      options = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
    }
    for (String option : options) {
      for (String own : OWN_ARCHIVE_OPTIONS) {
        if (option.startsWith(own)) {
          return null;
        }
      }
    }
    return options;
  }

  /** The arguments before {@code -jar JAR} (the JVM's options), or null if there is no such pair. */
  static @Nullable List<String> beforeJar(String[] argv, Path jar) {
    for (int i = 0; i + 1 < argv.length; i++) {
      if (argv[i].equals("-jar")) {
        return Path.of(argv[i + 1]).toAbsolutePath().equals(jar) ? List.of(argv).subList(0, i) : null;
      }
    }
    return null;
  }

  /** Whether the command line runs a command (not help or version). */
  static boolean applies(String... args) {
    if (args.length == 0 || !COMMANDS.contains(args[0])) {
      return false;
    }
    for (String arg : args) {
      if (INFO_OPTIONS.contains(arg)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Where the archives go: {@code P2P_TUNNEL_CDS} if set (null for {@code off}), else {@code cds} in the user's cache
   * directory of p2p-tunnel ({@link UserDirectories#cache}, the same rule as libwebrtc's cached copy); null if there is
   * none.
   */
  static @Nullable Path directory(Map<String, String> env, String osName, String userHome) {
    String configured = env.get(ENV);
    if (configured != null && !configured.isBlank()) {
      return configured.equals("off") ? null : Path.of(configured);
    }
    Path cache = UserDirectories.cache(env, osName, userHome);
    return cache == null ? null : cache.resolve("cds");
  }

  /** The jar the classes come from, if the class path is exactly one jar file ({@code java -jar}). */
  static @Nullable Path jar(String classPath) {
    if (classPath.isEmpty() || classPath.contains(File.pathSeparator)
        || !classPath.toLowerCase(Locale.ROOT).endsWith(".jar")) {
      return null;
    }
    Path jar = Path.of(classPath).toAbsolutePath();
    return Files.isRegularFile(jar) ? jar : null;
  }

  /**
   * Names the archive: an archive is only valid for the jar and the JVM that wrote it, so a new build of either gets a
   * new one (the JVM would refuse a stale one, but only after the cost of trying).
   */
  static String key(Path jar, Path javaHome, String vmVersion) throws IOException {
    CRC32 crc = new CRC32();
    StringBuilder text = new StringBuilder().append(jar).append('|').append(Files.size(jar)).append('|')
        .append(Files.getLastModifiedTime(jar).toMillis()).append('|').append(javaHome).append('|').append(vmVersion);
    Path modules = javaHome.resolve("lib").resolve("modules");
    if (Files.isRegularFile(modules)) {
      text.append('|').append(Files.size(modules)).append('|').append(Files.getLastModifiedTime(modules).toMillis());
    }
    crc.update(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String hex = Long.toHexString(crc.getValue());
    return "00000000".substring(hex.length()) + hex;
  }

  /**
   * The second JVM's JIT options, for HotSpot's server VM (none for another VM, which may not know them): its C2
   * compiler takes a method only after ten times the usual calls and loop iterations (HotSpot's defaults: 5 000 calls,
   * or 600 with 15 000 calls and iterations together, or 40 000 iterations of one loop). At those defaults a start
   * spends 0.2-0.6 CPU-seconds per JVM in C2, more than any other thread, on code that is hot only while the JVM
   * starts (String, HashMap, the jar's zip index, method handles); the tunnel's own paths pass the higher counts
   * within seconds of carrying data (docs/PERFORMANCE.md, "Start, fifth session": a start's CPU and time, and the
   * throughput check). Given before the user's options, so that any of these given to {@code java} wins.
   */
  static List<String> compilerOptions(String vmName) {
    return vmName.contains("Server VM") ? COMPILER_OPTIONS : List.of();
  }

  /** The second JVM's command line. */
  static List<String> command(String java, List<String> compilerOptions, List<String> jvmOptions, String archiveOption,
      long parentPid, Path jar, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(compilerOptions);
    command.addAll(jvmOptions);
    command.add(archiveOption);
    // Java 17 warns about every class an archive cannot hold (picocli's Java 5 class files) and a stale archive.
    command.add("-Xlog:cds*=off");
    command.add("-D" + PARENT_PROPERTY + "=" + parentPid);
    command.add("-cp");
    command.add(jar.toString());
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  private static String java(Path javaHome) {
    return javaHome.resolve("bin").resolve(WINDOWS ? "java.exe" : "java").toString();
  }

  private static boolean makeDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
      return Files.isWritable(dir);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Waits for the second JVM; keeps a recorded archive after exit code 0; returns the exit code. Called by the main
   * thread and by the shutdown hook (a stop request while waiting): the second caller waits for the first's result.
   */
  private static synchronized int finish(Process child, boolean record, Path partial, Path archive) {
    if (exitCode != null) {
      return exitCode;
    }
    boolean interrupted = false;
    int code;
    while (true) {
      try {
        code = child.waitFor();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // keep waiting: its exit code is what this JVM ends with
      }
    }
    if (record) {
      keep(code == 0, partial, archive);
    }
    exitCode = code;
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return code;
  }

  private static void keep(boolean ok, Path partial, Path archive) {
    try {
      if (ok && Files.size(partial) > 0) {
        Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        prune(archive);
      } else {
        Files.deleteIfExists(partial);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException | RuntimeException ignored) {
        // a left-over .part file is only disk space; the next recording uses a name of its own
      }
    }
  }

  /** Deletes the oldest archives of the same command beyond {@link #KEPT_PER_COMMAND}, and stale partial ones. */
  private static void prune(Path archive) throws IOException {
    String name = archive.getFileName().toString();
    String prefix = name.substring(0, name.lastIndexOf('-') + 1);
    long dayAgo = System.currentTimeMillis() - 86_400_000L;
    List<Path> same = new ArrayList<>();
    try (var files = Files.list(archive.getParent())) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String n = file.getFileName().toString();
        if (!n.startsWith(prefix)) {
          continue;
        }
        if (n.endsWith(".jsa")) {
          same.add(file);
        } else if (n.endsWith(".part") && Files.getLastModifiedTime(file).toMillis() < dayAgo) {
          Files.deleteIfExists(file);
        }
      }
    }
    same.sort(java.util.Comparator.comparingLong(ClassArchive::modified).reversed());
    for (Path old : same.subList(Math.min(KEPT_PER_COMMAND, same.size()), same.size())) {
      Files.deleteIfExists(old);
    }
  }

  private static long modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * In the second JVM: ends it like a stop request if the JVM that started it disappears (killed with SIGKILL, say),
   * so that no tunnel outlives the process its user sees. The JDK polls a process that is not a child (a daemon thread).
   */
  private static void endWithParent(String pid) {
    try {
      ProcessHandle.of(Long.parseLong(pid)).ifPresentOrElse(
          parent -> parent.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
    } catch (NumberFormatException e) {
      // not ours to judge: run as asked
    }
  }
}

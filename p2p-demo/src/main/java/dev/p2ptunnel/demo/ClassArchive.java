package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.internal.dirs.PrivateFiles;
import dev.p2ptunnel.webrtc.internal.dirs.UserDirectories;
import dev.p2ptunnel.webrtc.internal.dirs.WriteAccess;
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
 * archive option already (experiments, a launcher of one's own) or an agent (a debugger, a profiler: {@link
 * RelaunchRules#optionsAllow}), when the classes do not come from one jar, when the JVM's options cannot be passed on
 * exactly ({@link #jvmOptions}, {@link RelaunchRules#commandLineSurvives}), when anything in preparing fails ({@link
 * #prepare}), when the archives' directory or the one above it is one another user can write ({@link #ours}) and when
 * the second JVM cannot be started. {@code P2P_TUNNEL_CDS=DIR} keeps the archives in DIR instead
 * of the user's cache directory. Main thread only, once per process; not thread-safe.
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
  /** Archives kept per command (other jars and JVMs): the oldest beyond this are deleted when one is written. */
  private static final int KEPT_PER_COMMAND = 4;
  /** The second JVM's C2 thresholds, ten times HotSpot's defaults ({@link #compilerOptions}). */
  private static final List<String> COMPILER_OPTIONS = List.of("-XX:Tier4InvocationThreshold=50000",
      "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000");

  /** The second JVM's exit code once {@link #finish} has it; guarded by the class lock. */
  private static @Nullable Integer exitCode;

  private ClassArchive() {}

  /** The second JVM to start: its command line, and whether it records the archive (to partial) or uses it. */
  record Launch(List<String> command, boolean record, Path partial, Path archive) {}

  /**
   * Runs {@code args} in a second JVM with the archive when that applies; returns its exit code, or empty if the
   * command is to run in this JVM.
   */
  static OptionalInt relaunch(String[] args) {
    String parent = System.getProperty(PARENT_PROPERTY);
    if (parent != null) {
      endWithParent(parent);
      return OptionalInt.empty();
    }
    if (!applies(args)) {
      return OptionalInt.empty();
    }
    @Nullable Launch launch = prepare(args, System.getenv());
    if (launch == null) {
      return OptionalInt.empty();
    }
    // A stop request (Ctrl-C, SIGTERM) for this JVM goes on to the other one, which stops cleanly; this one then
    // ends with its exit code. (Ctrl-C in a terminal reaches both anyway; a second request is harmless.) The hook
    // comes first, so that no stop request can fall between starting the second JVM and registering it.
    // (No lambda or stream on this JVM's path, and p2p-demo is compiled without invokedynamic string concatenation:
    // the first use of each costs this JVM ~10-20 ms.)
    ForwardStop forward = new ForwardStop(launch, WINDOWS);
    Thread hook = new Thread(forward, "p2p-tunnel-cds-forward");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException e) {
      return OptionalInt.of(0); // stopped already, before anything started: Shutdown's clean stop
    }
    @Nullable Process child;
    try {
      child = forward.start(new ProcessBuilder(launch.command()).inheritIO());
    } catch (IOException | RuntimeException e) {
      // start recorded the failure (ForwardStop.Phase.FAILED) in its locked step: a stop request from now on halts
      // with 0, and this thread, which then cannot remove the hook, exits with 0 too (ForwardStop's javadoc)
      return ForwardStop.afterFailedStart(removeHook(hook));
    }
    return OptionalInt.of(child == null ? 0 : finish(child, launch));
  }

  /** Removes the hook of a second JVM that did not start; false if this JVM is stopping already (the hook runs). */
  private static boolean removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /**
   * The second JVM to start for {@code args} (a command, {@link #applies}), or null if the command runs here. Any
   * failure while preparing leaves the command here rather than failing it: a value {@code Path.of} rejects (Windows
   * keeps the quotes of {@code set P2P_TUNNEL_CDS="D:\cds"}), a runtime without java.management, a file system's
   * surprise.
   */
  static @Nullable Launch prepare(String[] args, Map<String, String> env) {
    try {
      return prepareOrThrow(args, env);
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  private static @Nullable Launch prepareOrThrow(String[] args, Map<String, String> env) {
    @Nullable Path dir = directory(env, System.getProperty("os.name", ""), System.getProperty("user.home", ""));
    @Nullable Path jar = jar(System.getProperty("java.class.path", ""));
    if (dir == null || jar == null) {
      return null;
    }
    List<String> jvmOptions = jvmOptions(jar, env);
    if (jvmOptions == null) {
      return null;
    }
    Path javaHome = Path.of(System.getProperty("java.home"));
    Path archive;
    try {
      archive = dir.resolve(args[0] + "-" + key(jar, javaHome, System.getProperty("java.vm.version", "")) + ".jsa");
    } catch (IOException e) {
      return null;
    }
    boolean record = !Files.isRegularFile(archive);
    long pid = ThisProcess.pid();
    Path partial = archive.resolveSibling(archive.getFileName() + "." + pid + ".part");
    if (record && !makeDirectory(dir) || !ours(dir)) {
      return null;
    }
    List<String> command = command(java(javaHome), compilerOptions(System.getProperty("java.vm.name", "")), jvmOptions,
        record ? "-XX:ArchiveClassesAtExit=" + partial : "-XX:SharedArchiveFile=" + archive, pid, jar, args);
    return RelaunchRules.commandLineSurvives(command, WINDOWS) ? new Launch(command, record, partial, archive) : null;
  }

  /**
   * The JVM options this JVM was started with (those before {@code -jar JAR} on its command line), or null if they
   * are not to be passed on ({@link RelaunchRules#optionsAllow}). The command line from the operating system where it
   * has one (Linux, macOS: no management classes to load), else the JVM's own list, unless an option variable would
   * then apply twice ({@link RelaunchRules#jvmListUsable}) or the runtime has no java.management (a LinkageError,
   * which {@link #prepare} catches).
   */
  static @Nullable List<String> jvmOptions(Path jar, Map<String, String> env) {
    List<String> options = null;
    String[] argv = ThisProcess.arguments();
    if (argv != null) {
      options = beforeJar(argv, jar);
    }
    if (options == null) {
      if (!RelaunchRules.jvmListUsable(env)) {
        return null;
      }
      options = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
    }
    return RelaunchRules.optionsAllow(options, env) ? options : null;
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

  /**
   * Whether no other user can write {@code dir} or the directory above it ({@link WriteAccess#onlyUserMayWrite}, as
   * for libwebrtc's cached copy): the second JVM maps the archive there, so another user's file there would be their
   * classes in our JVM, and whoever may write the directory above can put a directory of their own in its place. A
   * directory {@link #makeDirectory} made passes, and so does one of ours in a shared sticky directory such as
   * {@code /tmp} ({@link #sticky}). Not logged: this JVM has no logging set up, and setting it up would cost every
   * start; the command then runs here, as without a directory.
   */
  static boolean ours(Path dir) {
    try {
      Path absolute = dir.toAbsolutePath();
      Path parent = absolute.getParent();
      return WriteAccess.onlyUserMayWrite(absolute)
          && (parent == null || WriteAccess.onlyUserMayWrite(parent) || sticky(parent));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether {@code dir} is a sticky directory of this user's or root's ({@code /tmp}: mode 1777): others may write it,
   * but only the owner of an entry (and the directory's owner) may rename or remove it, so nobody else can swap a
   * directory of ours inside it. False where the mode cannot be read (no "unix" view: Windows).
   */
  private static boolean sticky(Path dir) {
    try {
      String owner = Files.getOwner(dir).getName();
      int mode = (Integer) Files.getAttribute(dir, "unix:mode");
      return (mode & 01000) != 0 && (owner.equals("root") || owner.equals(System.getProperty("user.name")));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Makes the archives' directory and any missing above it, private to the user whatever the umask (0700, or an
   * owner-only ACL: {@link PrivateFiles#createDirectories}), so that {@link #ours} passes for them.
   */
  static boolean makeDirectory(Path dir) {
    try {
      PrivateFiles.createDirectories(dir);
      return Files.isWritable(dir);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Waits for the second JVM; keeps a recorded archive after exit code 0; returns the exit code. Called by the main
   * thread and by the shutdown hook (a stop request while waiting): the second caller waits for the first's result.
   */
  static synchronized int finish(Process child, Launch launch) {
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
    if (launch.record()) {
      keep(code == 0, launch.partial(), launch.archive());
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

package dev.p2ptunnel.demo.lab;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * The network lab of docs/NETLAB.md as seen from a test: {@code scripts/netlab.sh up VARIANT}, its {@code env}
 * lines, and {@code down}. A lab's namespace names are fixed per slot ({@code p2plab-*} in slot 0, {@code p2plab1-*}
 * in slot 1, …), so {@link #up} first takes a slot: it holds {@code flock} on that slot's lock file ({@code
 * /tmp/p2plab.lock}, {@code /tmp/p2plab1.lock}, …) until {@link #down}. Two test JVMs of one build (failsafe runs two
 * at a time) then run two lab classes at once, each on a lab of its own, and further builds, or a script that takes
 * {@code flock /tmp/p2plab.lock} (slot 0, the one people and scripts use), wait for a slot instead of tearing down
 * another run's lab. Lab test classes also hold the {@link #LOCK} resource lock within one JVM. Not thread-safe.
 */
final class NetLab {
  /** The JUnit resource lock every lab test class holds: one lab per JVM. */
  static final String LOCK = "p2plab";
  /**
   * How many labs a build uses at once (system property {@code p2p.lab.slots}, default 2: failsafe runs two test JVMs;
   * 1 puts every lab class of the machine in one queue again).
   */
  private static final int SLOTS = Integer.getInteger("p2p.lab.slots", 2);
  private static final long SCRIPT_TIMEOUT_S = 60;
  /**
   * How long to wait for a free lab slot: a build's lab classes take about six minutes in all, and other builds take
   * turns with them class by class (flock is not first come, first served). 300 s ran out on 2026-11-30 with four
   * other builds using the one lab there was then.
   */
  private static final long MACHINE_LOCK_WAIT_S = 900;
  /** How often a JVM that found every slot taken tries them again (a lock poll, not a timing assumption). */
  private static final long SLOT_POLL_MS = 1_000;
  private static @Nullable Process machineLock;
  private static int slot;

  private final String variant;
  private final Map<String, String> env;

  private NetLab(String variant, Map<String, String> env) {
    this.variant = variant;
    this.env = env;
  }

  /**
   * Skips the calling test class, printing why, unless this JVM runs as root with {@code ip}, {@code turnserver},
   * the shaded jar and the lab script available.
   */
  static void assumeAvailable() throws IOException, InterruptedException {
    String why = null;
    if (!onPath("ip")) {
      why = "iproute2 ('ip') is not installed; run scripts/install-test-deps.sh";
    } else if (!onPath("turnserver")) {
      why = "coturn ('turnserver') is not installed; run scripts/install-test-deps.sh";
    } else if (!run(List.of("id", "-u")).strip().equals("0")) {
      why = "not root (the lab's network namespaces need root)";
    } else if (!Files.isRegularFile(script())) {
      why = "no lab script at " + script();
    } else if (System.getProperty("p2p.demo.jar") == null
        || !Files.isRegularFile(Path.of(System.getProperty("p2p.demo.jar")))) {
      why = "no shaded jar (p2p.demo.jar = " + System.getProperty("p2p.demo.jar") + "); run through mvn verify";
    }
    if (why != null) {
      String reason = "SKIPPED network-lab tests: " + why;
      System.err.println(reason);
      Assumptions.abort(reason);
    }
  }

  /** {@code netlab.sh up VARIANT} (which first tears down any earlier lab), then reads {@code env}. */
  static NetLab up(String variant) throws IOException, InterruptedException {
    lockMachine();
    run(List.of(script().toString(), "up", variant));
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : run(List.of(script().toString(), "env")).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    if (!variant.equals(env.get("NETLAB_VARIANT"))) {
      throw new IllegalStateException("NETLAB_VARIANT: " + env.get("NETLAB_VARIANT") + " (expected: " + variant
          + ")");
    }
    System.out.println("[netlab] up " + variant + ": " + env);
    return new NetLab(variant, env);
  }

  /**
   * {@code netlab.sh down}: kills every process in a lab namespace, deletes the namespaces, releases the machine lock.
   * Idempotent; does nothing unless this JVM holds the lock (took it in {@link #up}).
   */
  static void down() throws IOException, InterruptedException {
    if (machineLock == null) {
      // up() never ran (the lock was not ours): the lab, if any, belongs to whoever holds the lock.
      System.out.println("[netlab] down skipped: this JVM holds no lab slot");
      return;
    }
    try {
      run(List.of(script().toString(), "down"));
      String left = run(List.of("ip", "netns", "list"));
      if (left.lines().anyMatch(line -> line.startsWith(prefix(slot)))) {
        throw new IllegalStateException("lab namespaces left after down: " + left);
      }
      System.out.println("[netlab] down");
    } finally {
      unlockMachine();
    }
  }

  /** The lock file of lab slot {@code n}: {@code /tmp/p2plab.lock} for slot 0, {@code /tmp/p2plabN.lock} else. */
  static Path lockFile(int n) {
    return Path.of("/tmp/" + (n == 0 ? "p2plab" : "p2plab" + n) + ".lock");
  }

  /** The namespace name prefix of lab slot {@code n}, as netlab.sh makes it. */
  private static String prefix(int n) {
    return (n == 0 ? "p2plab" : "p2plab" + n) + "-";
  }

  /**
   * Takes the first free lab slot: holds {@code flock -x} on its {@link #lockFile} through a child {@code flock … cat}:
   * the lock lasts until its standard input closes, which also happens when this JVM dies. flock(1), not
   * FileChannel.lock (fcntl, which flock(2) ignores), so that shell scripts using the lab can take the same lock with
   * {@code flock}. Every slot taken: tries them all again every {@link #SLOT_POLL_MS} for up to
   * {@link #MACHINE_LOCK_WAIT_S}.
   */
  private static void lockMachine() throws IOException, InterruptedException {
    if (machineLock != null) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MACHINE_LOCK_WAIT_S);
    boolean told = false;
    while (true) {
      for (int n = 0; n < SLOTS; n++) {
        Process lock = tryLock(lockFile(n));
        if (lock != null) {
          machineLock = lock;
          slot = n;
          System.out.println("[netlab] slot " + n + " (" + lockFile(n) + ")");
          return;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("no free lab slot: " + SLOTS + " lock files from " + lockFile(0) + " held for "
            + MACHINE_LOCK_WAIT_S + " s by other users of the lab (builds, bench-e2e.sh)");
      }
      if (!told) {
        System.out.println("[netlab] waiting for a lab slot: another build or script is using the " + SLOTS + " lab(s)");
        told = true;
      }
      Thread.sleep(SLOT_POLL_MS);
    }
  }

  /** {@code flock -n}: the running holder of {@code file}, or null at once when someone else holds it. */
  private static @Nullable Process tryLock(Path file) throws IOException, InterruptedException {
    Process lock = new ProcessBuilder("flock", "-x", "-n", file.toString(), "sh", "-c",
        "echo locked; exec cat >/dev/null").redirectErrorStream(true).start();
    var reply = new CompletableFuture<String>();
    Thread reader = new Thread(() -> {
      try {
        reply.complete(new String(lock.getInputStream().readNBytes("locked\n".length()), StandardCharsets.UTF_8));
      } catch (IOException e) {
        reply.completeExceptionally(e);
      }
    }, "netlab-lock");
    reader.setDaemon(true);
    reader.start();
    try {
      // "locked", or end of input when flock -n found the file held (exit 1); seconds only on a very busy machine.
      String answer = reply.get(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS);
      if (answer.equals("locked\n")) {
        return lock;
      }
      lock.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS);
      if (lock.exitValue() != 1) {
        throw new IllegalStateException("flock -n " + file + ": exit " + lock.exitValue() + ": " + answer.strip());
      }
      return null;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      lock.destroyForcibly();
      throw new IllegalStateException("flock " + file + ": " + e, e);
    }
  }

  /** Ends the {@code flock} child: it releases the lock when {@code cat} sees end of input. */
  private static void unlockMachine() throws InterruptedException {
    Process lock = machineLock;
    machineLock = null;
    if (lock == null) {
      return;
    }
    try {
      lock.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    if (!lock.waitFor(5, TimeUnit.SECONDS)) {
      lock.destroyForcibly();
      lock.waitFor(5, TimeUnit.SECONDS);
    }
  }

  String variant() {
    return variant;
  }

  /** A value printed by {@code netlab.sh env}, e.g. {@code STUN}, {@code TURN_USER}, {@code NS_HOST}. */
  String get(String key) {
    String value = env.get(key);
    if (value == null) {
      throw new IllegalArgumentException("key: " + key + " (expected one of " + env.keySet() + ")");
    }
    return value;
  }

  /** The last lines of coturn's stderr, where it reports the send errors that kill relayed sessions. */
  String turnStderrTail() {
    try {
      List<String> lines = Files.readAllLines(Path.of(get("TURN_STDERR")), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + get("TURN_STDERR") + ": " + e.getMessage() + ")";
    }
  }

  /** scripts/netlab.sh; failsafe runs in the module directory, p2p-demo. */
  static Path script() {
    return Path.of("").toAbsolutePath().getParent().resolve("scripts/netlab.sh");
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's home router gets a new public address, as when a phone moves to another network: MASQUERADE drops
   * its mappings with the old one, so the path ICE found is gone. Returns "old -> new".
   */
  String renumberClientsRouter() throws IOException, InterruptedException {
    String old = clientsRouterAddress();
    String fresh = old.substring(0, old.lastIndexOf('.') + 1) + (old.endsWith(".21") ? "22" : "21");
    exec(get("NS_NAT_B"), "ip", "addr", "del", old + "/24", "dev", "wan0");
    exec(get("NS_NAT_B"), "ip", "addr", "add", fresh + "/24", "dev", "wan0");
    return old + " -> " + fresh;
  }

  /** Gives the client's router the lab's own address again ({@code NAT_B_WAN}) if it has another. */
  void restoreClientsRouter() throws IOException, InterruptedException {
    String original = get("NAT_B_WAN");
    String now = clientsRouterAddress();
    if (!now.equals(original)) {
      exec(get("NS_NAT_B"), "ip", "addr", "del", now + "/24", "dev", "wan0");
      exec(get("NS_NAT_B"), "ip", "addr", "add", original + "/24", "dev", "wan0");
    }
  }

  private String clientsRouterAddress() throws IOException, InterruptedException {
    String shown = exec(get("NS_NAT_B"), "ip", "-4", "-o", "addr", "show", "dev", "wan0");
    java.util.regex.Matcher inet = java.util.regex.Pattern.compile("inet (\\S+)/24").matcher(shown);
    if (!inet.find()) {
      throw new IllegalStateException("the client's router's address: none in " + shown);
    }
    return inet.group(1);
  }

  /** Runs a short command inside lab namespace {@code namespace}; see {@link #run}. */
  String exec(String namespace, String... command) throws IOException, InterruptedException {
    List<String> full = new java.util.ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(List.of(command));
    return run(full);
  }

  /** Runs a short command, returns its standard output; fails with its output if it fails or hangs. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (machineLock != null) {
      builder.environment().put("P2PLAB_LOCK_HELD", "1"); // netlab.sh: we hold the slot's lock (lockMachine)
      builder.environment().put("NETLAB_SLOT", Integer.toString(slot));
    }
    Process process = builder.start();
    // Outputs are a few hundred bytes: read after exit without risk of a full pipe.
    if (!process.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command + ": still running after " + SCRIPT_TIMEOUT_S + " s");
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(command + ": exit " + process.exitValue() + ": " + out);
    }
    return out;
  }
}

package dev.p2ptunnel.demo.lab;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A real mosquitto broker on the lab's internet ({@code p2plab-wan}), its own CA for a TLS listener, and a subscriber
 * on {@code #} that records everything the broker relayed (what any curious broker or subscriber sees). Processes run
 * with {@code ip netns exec}; {@code netlab.sh down} kills whatever is left. Output goes to
 * {@code target/lab-logs/NAME.log}. Not thread-safe, except the recording.
 */
final class LabBroker implements AutoCloseable {
  private static final Path LOGS = Path.of("target", "lab-logs");
  private static final Path DIRS = Path.of("target", "lab-config");

  private final String name;
  private final List<Process> processes = new ArrayList<>();
  private final List<String> recorded = new ArrayList<>();
  private @Nullable Process broker;

  private LabBroker(String name) {
    this.name = name;
  }

  /** Skips the calling test, saying why, unless mosquitto, mosquitto_sub and openssl are installed. */
  static void assumeInstalled() {
    for (String command : List.of("mosquitto", "mosquitto_sub", "openssl")) {
      if (!onPath(command)) {
        String reason = "SKIPPED rendezvous lab tests: " + command + " is not installed; run "
            + "scripts/install-test-deps.sh";
        System.err.println(reason);
        Assumptions.abort(reason);
      }
    }
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
   * Starts mosquitto in {@code namespace}: plain MQTT on {@code ip:plainPort}, and TLS on {@code ip:tlsPort} with a
   * certificate for {@code ip} from a CA made here (tlsPort 0: none).
   */
  static LabBroker start(String name, String namespace, String ip, int plainPort, int tlsPort)
      throws IOException, InterruptedException {
    LabBroker lab = new LabBroker(name);
    lab.launch(namespace, ip, plainPort, tlsPort);
    return lab;
  }

  private Path dir() throws IOException {
    Path dir = DIRS.resolve("broker-" + name).toAbsolutePath();
    Files.createDirectories(dir);
    // Started as root, mosquitto drops to its own user: it must read the configuration and the certificate.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (Path parent = dir.getParent(); parent != null && parent.startsWith(Path.of("").toAbsolutePath());
        parent = parent.getParent()) {
      Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return dir;
  }

  /** The CA certificate clients trust for the TLS listener (PEM). */
  Path caFile() throws IOException {
    return dir().resolve("ca.pem");
  }

  private void launch(String namespace, String ip, int plainPort, int tlsPort) throws IOException,
      InterruptedException {
    Path dir = dir();
    List<String> conf = new ArrayList<>(List.of("per_listener_settings false", "allow_anonymous true",
        "persistence false", "log_dest stderr", "log_type all", "listener " + plainPort + " " + ip));
    if (tlsPort > 0) {
      openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days",
          "2", "-subj", "/CN=p2p-tunnel lab CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
          "keyUsage=critical,keyCertSign,cRLSign", "-keyout", "ca.key", "-out", "ca.pem");
      Files.write(dir.resolve("broker.ext"), List.of("subjectAltName=IP:" + ip, "extendedKeyUsage=serverAuth"));
      openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
          "/CN=lab broker", "-keyout", "broker.key", "-out", "broker.csr");
      openssl(dir, "x509", "-req", "-in", "broker.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
          "-days", "2", "-extfile", "broker.ext", "-out", "broker.pem");
      for (String file : List.of("ca.pem", "broker.pem", "broker.key")) {
        Files.setPosixFilePermissions(dir.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
      }
      conf.addAll(List.of("listener " + tlsPort + " " + ip, "cafile " + dir.resolve("ca.pem"),
          "certfile " + dir.resolve("broker.pem"), "keyfile " + dir.resolve("broker.key")));
    }
    Path file = dir.resolve("mosquitto.conf");
    Files.write(file, conf, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    CountDownLatch running = new CountDownLatch(1);
    broker = start(name, List.of("ip", "netns", "exec", namespace, "mosquitto", "-c", file.toString()),
        line -> {
          if (line.contains(" running")) {
            running.countDown();
          }
        }, running);
    if (!running.await(30, TimeUnit.SECONDS) || !broker.isAlive()) {
      throw new IllegalStateException("mosquitto " + name + " did not start; see " + LOGS.resolve(name + ".log"));
    }
  }

  /**
   * Subscribes to {@code #} on {@code ip:port} from {@code namespace} and records every message from now on
   * ({@code stdbuf -oL}: into a pipe, mosquitto_sub's output would otherwise wait in a full buffer).
   */
  void record(String namespace, String ip, int port) throws IOException, InterruptedException {
    CountDownLatch subscribed = new CountDownLatch(1);
    start(name + "-recorder", List.of("ip", "netns", "exec", namespace, "stdbuf", "-oL", "mosquitto_sub", "-h", ip,
        "-p", Integer.toString(port), "-t", "#", "-q", "1", "-F", "%t %x", "-d", "-V", "mqttv5"), line -> {
          if (line.contains("SUBACK")) {
            subscribed.countDown();
          } else if (!line.startsWith("Client ")) { // -d debug lines start with "Client "; messages are "TOPIC HEX"
            synchronized (recorded) {
              recorded.add(line);
            }
          }
        }, subscribed);
    if (!subscribed.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("mosquitto_sub " + name + " did not subscribe; see " + LOGS);
    }
  }

  /** Every message recorded: topic and payload bytes. */
  List<Message> recorded() {
    List<Message> out = new ArrayList<>();
    synchronized (recorded) {
      for (String line : recorded) {
        int space = line.indexOf(' ');
        if (space > 0 && line.substring(space + 1).strip().matches("([0-9a-f]{2})+")) { // not "Subscribed (mid…"
          out.add(new Message(line.substring(0, space), HexFormat.of().parseHex(line.substring(space + 1).strip())));
        }
      }
    }
    return out;
  }

  /** One relayed message. */
  record Message(String topic, byte[] payload) {}

  /**
   * Publishes {@code payload} to {@code topic} on {@code ip:port} from {@code namespace} (mosquitto_pub, QoS 1), as
   * anyone connected to the broker could: to inject replays and changed copies.
   */
  void publish(String namespace, String ip, int port, String topic, byte[] payload) throws IOException,
      InterruptedException {
    Path file = Files.createTempFile(dir(), "inject-", ".bin");
    Files.write(file, payload);
    Process process = new ProcessBuilder("ip", "netns", "exec", namespace, "mosquitto_pub", "-h", ip, "-p",
        Integer.toString(port), "-t", topic, "-f", file.toString(), "-q", "1", "-V", "mqttv5")
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("mosquitto_pub to " + topic + " failed: " + out);
    }
  }

  /** The broker's own log so far. */
  String log() throws IOException {
    return Files.readString(LOGS.resolve(name + ".log"), StandardCharsets.UTF_8);
  }

  /** Kills the broker (its clients see their connections drop); the recorder ends with it. */
  void stopBroker() throws InterruptedException {
    Process p = broker;
    if (p != null) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private Process start(String logName, List<String> command, java.util.function.Consumer<String> onLine,
      CountDownLatch failFast) throws IOException {
    Files.createDirectories(LOGS);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(process);
    Path log = LOGS.resolve(logName + ".log");
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
          var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.write(line);
          out.newLine();
          out.flush();
          onLine.accept(line);
        }
      } catch (IOException e) {
        // the process ended
      } finally {
        failFast.countDown();
      }
    }, "lab-" + logName);
    pump.setDaemon(true);
    pump.start();
    return process;
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(command + " failed: " + out);
    }
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroyForcibly();
    }
  }
}

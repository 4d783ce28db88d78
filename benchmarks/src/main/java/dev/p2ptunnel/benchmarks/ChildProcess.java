package dev.p2ptunnel.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TunnelNode} in a child JVM with this JVM's {@code java} binary and class path, spoken to in lines over
 * its stdin and stdout; its stderr goes to ours. Not thread-safe, except {@link #destroy()}, which a shutdown hook
 * may call at any time.
 */
final class ChildProcess implements AutoCloseable {
  private static final String END_OF_OUTPUT = "\u0000eof";

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread pump = new Thread(this::pumpStdout, "child-" + name + "-stdout");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code TunnelNode args…} with {@code jvmOptions}. */
  static ChildProcess start(String name, List<String> jvmOptions, String... args) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(System.getProperty("java.home") + "/bin/java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(TunnelNode.class.getName());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new ChildProcess(name, process);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** Waits for the {@code ready port=P} line; the port. */
  int awaitReadyPort(long timeoutMs) throws IOException, InterruptedException {
    return Integer.parseInt(awaitLine("ready port=", timeoutMs).substring("ready port=".length()));
  }

  /** Sends {@code command} and returns the first answer line starting with {@code command + " "}. */
  String ask(String command, long timeoutMs) throws IOException, InterruptedException {
    stdin.write(command + "\n");
    stdin.flush();
    return awaitLine(command + " ", timeoutMs);
  }

  private String awaitLine(String prefix, long timeoutMs) throws IOException, InterruptedException {
    long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      String line = lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IOException(name + " (pid " + process.pid() + ") sent no '" + prefix + "…' line within "
            + timeoutMs + " ms");
      }
      if (line.equals(END_OF_OUTPUT)) {
        lines.add(line);
        throw new IOException(name + " (pid " + process.pid() + ") ended before a '" + prefix + "…' line");
      }
      if (line.startsWith(prefix)) {
        return line;
      }
      System.err.println("[" + name + "] " + line);
    }
  }

  private void pumpStdout() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the process ended or was destroyed
    } finally {
      lines.add(END_OF_OUTPUT);
    }
  }

  /** Kills the process (and whatever it started) at once; idempotent. */
  void destroy() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Ends stdin, which makes the node close and exit; kills it if it has not within {@code 5 s}. */
  @Override
  public void close() {
    try {
      stdin.close();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        System.err.println(name + " (pid " + process.pid() + ") did not exit within 5 s of stdin closing; killing");
      }
    } catch (IOException e) {
      // stdin is already broken: the process has ended
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      destroy();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

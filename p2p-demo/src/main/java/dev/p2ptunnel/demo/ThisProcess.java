package dev.p2ptunnel.demo;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * This process's id and command line for {@link ClassArchive}, which needs both before it starts the second JVM. The
 * JDK's {@link ProcessHandle} gives them, but its first use also sets up the JDK's process reaper (lambdas spun at run
 * time), which {@link ProcessBuilder#start} otherwise does only once the second JVM has been started; so on Linux both
 * come from /proc, where the JDK reads them too, and from {@link ProcessHandle} elsewhere or if /proc does not answer.
 * Stateless; any thread.
 */
final class ThisProcess {
  private static final boolean LINUX = System.getProperty("os.name", "").equals("Linux");

  private ThisProcess() {}

  /**
   * This process's id; on Linux from {@code /proc/self/status} (the second JVM then starts ~15-35 ms sooner at load 18:
   * docs/PERFORMANCE.md, "Start, seventh session: the jar and the first JVM").
   */
  static long pid() {
    if (LINUX) {
      try (FileInputStream in = new FileInputStream("/proc/self/status")) {
        long pid = statusPid(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        if (pid > 0) {
          return pid;
        }
      } catch (IOException | RuntimeException e) {
        // not a usual /proc: ask the JDK
      }
    }
    return ProcessHandle.current().pid();
  }

  /**
   * The process id in a {@code /proc/PID/status} text as the process itself knows it: the last number of its
   * {@code NSpid} line (one per PID namespace, from that of the /proc mount to the process's own; so right even where
   * /proc belongs to an outer namespace), or -1 without one (Linux before 4.1).
   */
  static long statusPid(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("NSpid:")) {
        String ids = line.substring("NSpid:".length()).strip();
        return Long.parseLong(ids.substring(Math.max(ids.lastIndexOf('\t'), ids.lastIndexOf(' ')) + 1));
      }
    }
    return -1;
  }

  /**
   * This JVM's command line after the program name, as {@code ProcessHandle.Info#arguments} gives it, or null where the
   * operating system does not tell; on Linux from {@code /proc/self/cmdline}.
   */
  static String @Nullable [] arguments() {
    if (LINUX) {
      try (FileInputStream in = new FileInputStream("/proc/self/cmdline")) {
        String[] argv = commandLine(in.readAllBytes(),
            Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")));
        if (argv != null) {
          return argv;
        }
      } catch (IOException | RuntimeException e) {
        // not a usual /proc: ask the JDK
      }
    }
    return ProcessHandle.current().info().arguments().orElse(null);
  }

  /**
   * The arguments in the contents of a {@code /proc/PID/cmdline} file (NUL-terminated strings, the program name
   * first), or null if there are none. A trailing empty argument is lost, which the options before {@code -jar} never
   * are.
   */
  static String @Nullable [] commandLine(byte[] cmdline, Charset charset) {
    String[] all = new String(cmdline, charset).split("\0");
    return all.length < 2 ? null : Arrays.copyOfRange(all, 1, all.length);
  }
}

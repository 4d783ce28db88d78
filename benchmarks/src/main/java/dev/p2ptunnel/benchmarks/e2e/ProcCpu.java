package dev.p2ptunnel.benchmarks.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * CPU time of lab processes as Linux accounts it ({@code utime + stime} of {@code /proc/PID/stat}, every thread
 * included, also those that have ended), read from outside: a process and its descendants, so that a demo whose
 * launcher started the tunnel in a second JVM is counted whole. Resolution: one clock tick, 10 ms. Stateless.
 */
final class ProcCpu {
  /** {@code sysconf(_SC_CLK_TCK)} on Linux, the unit of the two fields. */
  private static final long TICKS_PER_SECOND = 100;

  private ProcCpu() {}

  /** CPU milliseconds of {@code pid} and every process below it so far; 0 for a process that is gone. */
  static long millis(long pid) {
    long ticks = ticks(pid);
    ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
    if (handle != null) {
      for (ProcessHandle child : handle.descendants().toList()) {
        ticks += ticks(child.pid());
      }
    }
    return ticks * 1_000 / TICKS_PER_SECOND;
  }

  /** CPU milliseconds of this process so far. */
  static long self() {
    return ticks(ProcessHandle.current().pid()) * 1_000 / TICKS_PER_SECOND;
  }

  private static long ticks(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so fields count from the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of proc(5): utime, stime
  }
}

package dev.p2ptunnel.demo;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Keeps libwebrtc's two exit lines ({@code VM attach current thread failed}, {@code Failed to attach thread N}) off the
 * user's standard output: once the process has said its last word, standard output (file descriptor 1) is pointed at
 * the null device, just before the JVM exits. Stateless; any thread.
 *
 * <p>Why it cannot be fixed at the cause: webrtc-java's native library (0.14.0) keeps global references to Java classes
 * in C++ static maps it fills when it loads. The C library runs their destructors in {@code exit()}, which the JVM
 * calls from its VM thread once Java code is over; each destructor attaches its thread to the JVM to delete its
 * reference, the VM thread can never attach, and the library prints the two lines on {@code std::cout}, once per
 * process. Closing sessions, channels and factories earlier changes nothing (docs/ARCHITECTURE.md, "Exit").
 *
 * <p>On Linux and macOS the JDK closes descriptors 0-2 by pointing them at {@code /dev/null} (never a real close, so no
 * file opened later takes the number); {@code System.out} is flushed first and is silent afterwards. Standard error stays as it is. A JVM
 * asked to print diagnostics of its own on standard output ({@code -Xlog} to stdout, {@code -verbose:…},
 * {@code -XX:+Print…}, on its command line or in the JVM option variables), which it may do while it exits, keeps its
 * standard output and with it the two lines.
 */
final class StdoutAtExit {
  /**
   * Windows: the JDK really closes the handle there, whose number a file opened later (a class archive written at
   * exit) could take, and the native code would write into that file; standard output stays attached.
   */
  private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

  private StdoutAtExit() {}

  /** Flushes standard output and error, then detaches standard output unless the JVM prints diagnostics there. */
  static void detach() {
    System.out.flush();
    System.err.flush();
    String[] arguments = WINDOWS ? null : ThisProcess.arguments();
    if (arguments == null || jvmPrintsToStdout(Arrays.asList(arguments), System.getenv())) {
      return;
    }
    try {
      new FileOutputStream(FileDescriptor.out).close();
    } catch (IOException | RuntimeException e) {
      // standard output stays attached: the worst is the two lines
    }
  }

  /**
   * Whether the JVM options among {@code arguments} (this JVM's command line after the program name, up to the class
   * path, jar or module option; a main class given without them is followed by the program's arguments, which are
   * read as well, at worst keeping standard output) or in the JVM option variables of {@code env} ask the JVM for output on standard
   * output.
   */
  static boolean jvmPrintsToStdout(List<String> arguments, Map<String, String> env) {
    for (String argument : arguments) {
      if (List.of("-cp", "-classpath", "--class-path", "-jar", "-m", "--module").contains(argument)
          || argument.startsWith("--module=")) {
        break; // what follows is the program's
      }
      // an option of the JVM's (the value of a two-word option, such as --add-opens's, is not one and is skipped);
      // an argument file's options are not read: it keeps standard output, as any option printing there would
      if (argument.startsWith("@") || printsToStdout(argument)) {
        return true;
      }
    }
    for (String variable : RelaunchRules.OPTION_VARIABLES) {
      @Nullable String value = env.get(variable);
      if (value != null && Arrays.stream(value.strip().split("\\s+")).anyMatch(StdoutAtExit::printsToStdout)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether one JVM option makes the JVM print on standard output: {@code -verbose:…}, {@code -XX:+Print…}, or an
   * {@code -Xlog} whose output is stdout (the default) and whose selection is not switched off ({@code …=off},
   * {@code -Xlog:disable}).
   */
  static boolean printsToStdout(String option) {
    if (option.startsWith("-verbose") || option.startsWith("-XX:+Print")) {
      return true;
    }
    if (!option.equals("-Xlog") && !option.startsWith("-Xlog:")) {
      return false;
    }
    String[] parts = option.split(":", 4); // -Xlog, selection, output, decorators and output options
    String selection = parts.length > 1 ? parts[1] : "";
    String output = parts.length > 2 ? parts[2] : "";
    if (selection.equals("disable") || selection.endsWith("=off")) {
      return false;
    }
    return output.isEmpty() || output.equals("stdout") || output.equals("#0");
  }
}

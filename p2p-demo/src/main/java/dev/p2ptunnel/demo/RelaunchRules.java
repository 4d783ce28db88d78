package dev.p2ptunnel.demo;

import java.util.List;
import java.util.Map;

/**
 * When {@link ClassArchive} leaves a command in the first JVM because of the JVM's options, the environment or the
 * system: pure functions of those, so that tests on one system cover every system's rules. No lambda or stream here
 * either (the first JVM's path; {@link ClassArchive} says why). Stateless; thread-safe.
 */
final class RelaunchRules {
  /** The environment variables from which the JVM or its launcher take options besides the command line. */
  static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
  /** JVM options that choose an archive already, or none: the JVM then runs the command itself. */
  private static final List<String> OWN_ARCHIVE_OPTIONS = List.of("-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
      "-Xshare:off", "-Xshare:dump", "-XX:-UseSharedSpaces");
  /**
   * JVM options that load a debugging or profiling agent: both JVMs would get it, a recording run fails its archive
   * dump ("CDS dumping does not support native JVMTI agent", exit 1) and a second jdwp cannot bind the debug port the
   * first one holds (exit 2). {@code -Xrun} is the old form of {@code -agentlib:} (-Xrunjdwp, -Xrunhprof).
   */
  private static final List<String> AGENT_OPTIONS = List.of("-agentlib:", "-agentpath:", "-javaagent:", "-Xrun",
      "-Xdebug");

  private RelaunchRules() {}

  /**
   * Whether the second JVM may get {@code options} (the first JVM's own, as {@link ClassArchive#jvmOptions} found
   * them) with {@code env}: neither they nor the option variables choose an archive already (or none: an
   * {@code -Xshare:off} in {@code _JAVA_OPTIONS} reaches the second JVM too) or load an agent.
   */
  static boolean optionsAllow(List<String> options, Map<String, String> env) {
    for (String option : options) {
      if (startsWithAny(option, OWN_ARCHIVE_OPTIONS) || startsWithAny(option, AGENT_OPTIONS)) {
        return false;
      }
    }
    for (String variable : OPTION_VARIABLES) {
      String value = env.get(variable);
      if (value != null && (containsAny(value, OWN_ARCHIVE_OPTIONS) || containsAny(value, AGENT_OPTIONS))) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsAny(String value, List<String> options) {
    for (String option : options) {
      if (value.contains(option)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the JVM's own list of its options (RuntimeMXBean, asked where the operating system gives no command line,
   * as on Windows) may be passed on: that list holds what the option variables added too, and the second JVM, which
   * inherits the environment, would apply them a second time (the launcher adds JDK_JAVA_OPTIONS; the JVM itself
   * JAVA_TOOL_OPTIONS and _JAVA_OPTIONS).
   */
  static boolean jvmListUsable(Map<String, String> env) {
    for (String variable : OPTION_VARIABLES) {
      if (env.containsKey(variable)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether every word of {@code command} reaches the second JVM unchanged. On Windows a process gets one command line
   * that the JDK builds from the words and the new process splits again: the JDK does not escape a {@code "} inside a
   * word, a word ending in {@code \} that it quotes loses or gains a backslash, and older 17 builds drop an empty word.
   * Elsewhere the words are passed as they are.
   */
  static boolean commandLineSurvives(List<String> command, boolean windows) {
    if (!windows) {
      return true;
    }
    for (String word : command) {
      if (word.isEmpty() || word.indexOf('"') >= 0 || word.endsWith("\\")) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWithAny(String option, List<String> prefixes) {
    for (String prefix : prefixes) {
      if (option.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}

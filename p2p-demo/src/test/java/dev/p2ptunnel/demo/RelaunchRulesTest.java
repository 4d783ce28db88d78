package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When java -jar runs the command in the first JVM because of its options, the environment or the system. */
class RelaunchRulesTest {
  private static final List<String> JAVA = List.of("C:\\Program Files\\Java\\bin\\java.exe", "-Xmx256m", "-cp",
      "C:\\Users\\u\\p2p-tunnel.jar", "dev.p2ptunnel.demo.Main");

  @Test
  void ordinaryOptionsArePassedOn() {
    assertTrue(RelaunchRules.optionsAllow(List.of(), Map.of()));
    assertTrue(RelaunchRules.optionsAllow(List.of("-Xmx256m", "-Dp2p.native.cache=off", "-XX:+UseSerialGC"),
        Map.of("JAVA_TOOL_OPTIONS", "-Xss1m", "JDK_JAVA_OPTIONS", "-Dx=y", "PATH", "/bin")));
  }

  @Test
  void anArchiveOptionOfItsOwnStaysInOneJvm() {
    for (String option : List.of("-XX:SharedArchiveFile=/a.jsa", "-XX:ArchiveClassesAtExit=/b.jsa", "-Xshare:off",
        "-Xshare:dump", "-XX:-UseSharedSpaces")) {
      assertFalse(RelaunchRules.optionsAllow(List.of("-Xmx1g", option), Map.of()), option);
      // In a variable the second JVM, which inherits the environment, gets it too: -Xshare:off beside the recording
      // option of the relaunch would fail or warn at every start.
      for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
        assertFalse(RelaunchRules.optionsAllow(List.of(), Map.of(variable, "-Xss1m " + option)), variable + " " + option);
      }
    }
  }

  @Test
  void aDebuggerOrProfilerAgentStaysInOneJvm() {
    // Both JVMs would get it: the recording run's dump refuses a native agent (exit 1), a second jdwp finds its port
    // taken (exit 2).
    for (String option : List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:5599",
        "-agentpath:/opt/async-profiler/libasyncProfiler.so=start", "-javaagent:/opt/otel.jar", "-Xrunjdwp:server=y",
        "-Xrunhprof", "-Xdebug")) {
      assertFalse(RelaunchRules.optionsAllow(List.of("-Xmx256m", option), Map.of()), option);
      for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
        assertFalse(RelaunchRules.optionsAllow(List.of(), Map.of(variable, "-Xmx1g " + option)), variable + " " + option);
      }
    }
    assertTrue(RelaunchRules.optionsAllow(List.of(), Map.of("OTHER", "-javaagent:/x.jar")), "not an option variable");
  }

  @Test
  void theJvmsOwnListIsPassedOnOnlyWithoutOptionVariables() {
    // Windows: no command line from the system; the JVM's list holds JDK_JAVA_OPTIONS, which the second JVM's
    // launcher would add again.
    assertTrue(RelaunchRules.jvmListUsable(Map.of("PATH", "C:\\Windows")));
    assertFalse(RelaunchRules.jvmListUsable(Map.of("JDK_JAVA_OPTIONS", "-Dp2p.x=1")));
    assertFalse(RelaunchRules.jvmListUsable(Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g")));
    assertFalse(RelaunchRules.jvmListUsable(Map.of("_JAVA_OPTIONS", "-Xmx1g")));
  }

  @Test
  void onWindowsWordsTheCommandLineWouldAlterStayInOneJvm() {
    assertTrue(RelaunchRules.commandLineSurvives(plus("host", "--port", "25565", "--name", "my server"), true));
    assertTrue(RelaunchRules.commandLineSurvives(plus("client", "--session", "X", "--dir", "C:\\x\\y"), true));
    for (String word : List.of("say \"hi\"", "\"", "", "C:\\dir\\", "\\")) {
      assertFalse(RelaunchRules.commandLineSurvives(plus("host", "--name", word), true), "[" + word + "]");
      assertTrue(RelaunchRules.commandLineSurvives(plus("host", "--name", word), false), "elsewhere: [" + word + "]");
    }
    List<String> option = new java.util.ArrayList<>(JAVA);
    option.add(1, "-Dp2p.dir=C:\\cache\\");
    assertFalse(RelaunchRules.commandLineSurvives(option, true), "a JVM option too");
  }

  private static List<String> plus(String... args) {
    List<String> command = new java.util.ArrayList<>(JAVA);
    command.addAll(List.of(args));
    return command;
  }
}

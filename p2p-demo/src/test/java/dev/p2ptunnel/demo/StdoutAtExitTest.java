package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StdoutAtExitTest {
  @Test
  void shouldDetachStandardOutputOfAPlainJvmAndOfTheSecondJvm() {
    assertFalse(StdoutAtExit.jvmPrintsToStdout(List.of("-jar", "p2p-tunnel.jar", "client", "-verbose"), Map.of()),
        "the command's own arguments are not JVM options");
    assertFalse(StdoutAtExit.jvmPrintsToStdout(List.of("-XX:Tier4InvocationThreshold=50000",
        "-XX:SharedArchiveFile=a.jsa", "-Xlog:cds*=off", "-Dp2p.parent=1", "-cp", "p2p-tunnel.jar",
        "dev.p2ptunnel.demo.Main", "host"), Map.of()), "the relaunch's own -Xlog switches logging off");
    assertFalse(StdoutAtExit.jvmPrintsToStdout(List.of("-Xmx256m", "-Xlog:gc*:stderr", "-Xlog:disable",
        "-Xlog:gc:file=gc.log", "-jar", "x.jar"), Map.of("JAVA_TOOL_OPTIONS", "-Xss1m")));
  }

  @Test
  void shouldKeepStandardOutputOfAJvmAskedToPrintThere() {
    for (String option : List.of("-Xlog", "-Xlog:gc", "-Xlog:gc*:stdout", "-Xlog:gc::uptime", "-verbose:gc",
        "-XX:+PrintNMTStatistics")) {
      assertTrue(StdoutAtExit.jvmPrintsToStdout(List.of("-Xmx64m", option, "-jar", "x.jar"), Map.of()), option);
    }
    assertTrue(StdoutAtExit.jvmPrintsToStdout(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "-verbose:gc", "-jar", "x.jar"), Map.of()), "an option after a two-word option's value");
    assertTrue(StdoutAtExit.jvmPrintsToStdout(List.of("@jvm-options.txt", "-jar", "x.jar"), Map.of()),
        "an argument file, whose options are not read");
    for (String variable : RelaunchRules.OPTION_VARIABLES) {
      assertTrue(StdoutAtExit.jvmPrintsToStdout(List.of("-jar", "x.jar"), Map.of(variable, " -Xss1m  -Xlog:gc ")),
          variable);
    }
  }
}

package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command line as the user meets it, byte for byte: the help of every command and the exit code, standard output
 * and standard error of bad command lines, against files recorded from the annotation-based model this project had
 * before it built its picocli model in code (docs/PERFORMANCE.md, "Start, seventh session"). A change of help text is
 * a change of these files: {@code -Dgolden.record=true} rewrites them from the current code (then review the diff).
 */
class CommandLineGoldenTest {
  private static final Path DIRECTORY = Paths.get("src/test/resources/dev/p2ptunnel/demo/golden");

  /** Each case: the file's name and the arguments (split on spaces; "-" for none). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " | ", value = {
      "help | --help",
      "no-command | -",
      "unknown-command | bogus",
      "unknown-top-option | --bogus",
      "host-help | host --help",
      "host-unknown-option | host --port 80 --offline --bogus",
      "host-missing-value | host --offline --port",
      "host-bad-number | host --port x --offline",
      "host-bad-max-clients | host --port 80 --offline --max-clients many",
      "host-bad-duration | host --port 80 --offline --approve-timeout soon",
      "host-conflict | host --port 80 --offline --signal http://127.0.0.1:1",
      "host-boolean-with-value | host --port 80 --offline --yes=maybe",
      "client-help | client --help",
      "client-unknown-option | client --offline -x",
      "client-missing-value | client --offline --session",
      "client-bad-number | client --offline --port 8o",
      "client-bad-duration | client --offline --grace 1y",
      "client-bad-keepalive | client --offline --keepalive 5s",
      "client-conflict | client --signal http://127.0.0.1:1 --offline",
      "client-positional | client --offline extra",
      "client-bad-path | client --offline --config-dir",
      "signal-help | signal --help",
      "signal-unknown-option | signal --bogus",
      "signal-missing-value | signal --port",
      "signal-bad-number | signal --port x",
      "try-help | try --help",
      "try-unknown-option | try --bogus",
      "try-missing-value | try --mb",
      "try-bad-number | try --mb x",
      "try-positional | try extra"})
  void shouldBehaveAsRecorded(String name, String args) throws IOException {
    Streams streams = new Streams();
    int code = Main.run(streams.env, args.equals("-") ? new String[0] : args.split(" "));
    String actual = "$ p2p-tunnel " + (args.equals("-") ? "" : args) + "\nexit code " + code + "\n--- stdout\n"
        + streams.out() + "--- stderr\n" + streams.err();
    Path file = DIRECTORY.resolve(name + ".txt");
    if (Boolean.getBoolean("golden.record")) {
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, name);
  }
}

package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.rendezvous.RendezvousConfig;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Each option's default is written once, as its field's initial value ({@link Cli#option}): what the help shows and
 * what picocli applies is that value, never a second literal beside it. (CommandLineGoldenTest proves the help texts
 * themselves did not move.)
 */
class CliDefaultsTest {
  @Test
  void everyShownDefaultIsTheFieldsInitialValue() {
    CommandLine line = Main.commandLine(new Streams().env, "");
    int shown = 0;
    for (CommandLine command : line.getSubcommands().values()) {
      CommandSpec spec = command.getCommandSpec();
      Set<OptionSpec> ofMixins = new HashSet<>();
      for (CommandSpec mixin : spec.mixins().values()) {
        ofMixins.addAll(mixin.options()); // the signal server's, annotated in p2p-signaling (environment defaults)
      }
      for (OptionSpec option : spec.options()) {
        if (ofMixins.contains(option)) {
          continue;
        }
        String name = spec.name() + " " + option.longestName();
        // the description as written (description() is the interpolated one)
        if (String.join(" ", option.toBuilder().description()).contains("${DEFAULT-VALUE}")) {
          assertNotNull(option.defaultValue(), name + ": its help shows a default");
          shown++;
        }
        if (option.defaultValue() != null) {
          // before parsing, the getter reads the field as the command object was made
          Object now = option.getValue();
          assertEquals(String.valueOf(now), option.defaultValue(), name);
        }
      }
    }
    // host (11): --ip, --max-connections, --connect-rate, --max-flows, --udp-idle-timeout, --max-clients,
    // --approve-timeout, --grace, --keepalive, --ice-restart-interval, --connect-timeout; client (5): --bind and the
    // last four; try (1): --mb. More is fine (a new option), fewer means the test no longer sees them.
    assertTrue(shown >= 17, "options whose help shows their default: " + shown);
  }

  /**
   * The one default the help writes out as text: --find-timeout's field is null (the rendezvous library's own default
   * applies), so its help names the library's value, which this keeps in step (no class of the library loaded on the
   * command line's path for it).
   */
  @Test
  void theFindTimeoutsHelpNamesTheLibrarysDefault() {
    ClientCommand client = new ClientCommand(new Streams().env);
    OptionSpec option = client.spec().findOption("--find-timeout");
    assertNull(option.defaultValue(), "null: the library decides");
    String help = String.join(" ", option.description());
    assertTrue(help.contains("(default: " + RendezvousConfig.DEFAULT_FIND_TIMEOUT.toSeconds() + "s)"), help);
  }

  @Test
  void aDefaultIsAppliedAsTheFieldHoldsIt() {
    HostCommand host = new HostCommand(new Streams().env);
    CommandLine line = new CommandLine(host.spec());
    host.maxClients = 7; // as if an earlier parse had set it: picocli puts the default back
    host.limits.udpIdleTimeout = "1s";
    line.parseArgs("--port", "80", "--offline");
    assertEquals(1, host.maxClients);
    assertEquals("60s", host.limits.udpIdleTimeout);
    assertEquals("127.0.0.1", host.ip);
  }
}

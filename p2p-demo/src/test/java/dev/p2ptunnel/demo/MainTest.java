package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Option parsing: help, and usage errors as one line with exit code 2; nothing is started. */
class MainTest {
  @ParameterizedTest
  @ValueSource(strings = {"host", "client", "signal", "try"})
  void everyCommandSaysItsVersion(String command) {
    Streams top = new Streams();
    assertEquals(0, Main.run(top.env, "--version"));
    Streams streams = new Streams();
    assertEquals(0, Main.run(streams.env, command, "--version"));
    assertTrue(streams.out().startsWith("p2p-tunnel "), streams.out());
    assertEquals(top.out(), streams.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"host", "client", "signal", "try"})
  void shouldPrintHelpOfEachCommandAndExitZero(String command) {
    Streams streams = new Streams();
    assertEquals(ExitCodes.OK, Main.run(streams.env, command, "--help"));
    assertTrue(streams.out().startsWith("Usage: p2p-tunnel " + command), streams.out());
    assertTrue(streams.out().contains("Exit codes:"), streams.out());
    assertEquals("", streams.err());
  }

  @Test
  void shouldPrintTopLevelHelpListingTheCommands() {
    Streams streams = new Streams();
    assertEquals(ExitCodes.OK, Main.run(streams.env, "--help"));
    for (String command : new String[] {"host", "client", "signal", "try"}) {
      assertTrue(streams.out().contains("\n  " + command + " "), command + " in " + streams.out());
    }
  }

  @Test
  void shouldRejectAMissingCommandWithExitCodeTwo() {
    Streams streams = new Streams();
    assertEquals(ExitCodes.USAGE, Main.run(streams.env));
    assertEquals("p2p-tunnel: missing command: choose host, client, signal or try (see 'p2p-tunnel --help')\n",
        streams.err());
  }

  /** Each case: arguments (split on spaces) and the exact one-line error. */
  @ParameterizedTest
  @CsvSource(delimiterString = " | ", value = {
      "host --port 80 --offline --bogus | p2p-tunnel host: Unknown option: '--bogus' (see 'p2p-tunnel host --help')",
      "host --offline | p2p-tunnel host: nothing to share: give --port PORT or one or more --share "
          + "NAME=[HOST:]PORT[/tcp|/udp] (see 'p2p-tunnel host --help')",
      "host --share 8080 --offline | p2p-tunnel host: --share \"8080\": no NAME= before the port "
          + "(expected: NAME=[HOST:]PORT[/tcp|/udp]) (see 'p2p-tunnel host --help')",
      "host --share game=25565/sctp --offline | p2p-tunnel host: --share \"game=25565/sctp\": unknown "
          + "protocol \"sctp\" (expected: tcp or udp) (see 'p2p-tunnel host --help')",
      "host --share game=nas:x --offline | p2p-tunnel host: --share \"game=nas:x\": port \"x\" is not a "
          + "number (expected: 1..65535) (see 'p2p-tunnel host --help')",
      "host --share web=80 --share web=81/udp --offline | p2p-tunnel host: --share web=81/udp: the name "
          + "'web' is used twice (as web=127.0.0.1:80/tcp); each service needs a name of its own "
          + "(see 'p2p-tunnel host --help')",
      "host --port 80 --share default=81 --offline | p2p-tunnel host: --share default=81: the name 'default' "
          + "is used twice (as default=127.0.0.1:80/tcp); each service needs a name of its own "
          + "(see 'p2p-tunnel host --help')",
      "host --port 80 --offline --max-connections 0 | p2p-tunnel host: --max-connections 0: out of range "
          + "(expected: 1-65536) (see 'p2p-tunnel host --help')",
      "host --port 80 --offline --connect-rate 0 | p2p-tunnel host: --connect-rate 0: out of range "
          + "(expected: 1-1000000) (see 'p2p-tunnel host --help')",
      "host --port 80 --offline --max-flows 70000 | p2p-tunnel host: --max-flows 70000: out of range "
          + "(expected: 1-65536) (see 'p2p-tunnel host --help')",
      "host --port 80 --offline --udp-idle-timeout soon | p2p-tunnel host: --udp-idle-timeout soon: not a "
          + "duration (expected: 1s to 24h, e.g. 90s or 5m) (see 'p2p-tunnel host --help')",
      "client --map 25565 --offline | p2p-tunnel client: --map \"25565\": expected [BIND:]PORT=NAME "
          + "(see 'p2p-tunnel client --help')",
      "client --map x=game --offline | p2p-tunnel client: --map \"x=game\": port \"x\" is not a number "
          + "(expected: 0..65535) (see 'p2p-tunnel client --help')",
      "client --map 70000=game --offline | p2p-tunnel client: --map \"70000=game\": port: 70000 "
          + "(expected: 0..65535) (see 'p2p-tunnel client --help')",
      "client --map 1=a^b --offline | p2p-tunnel client: --map \"1=a^b\": service name \"a^b\" has '^' "
          + "at index 1 (expected: 1..64 of A-Z a-z 0-9 . _ -, starting with a letter or digit) "
          + "(see 'p2p-tunnel client --help')",
      "host --port x --offline | p2p-tunnel host: Invalid value for option '--port': 'x' is not an int "
          + "(see 'p2p-tunnel host --help')",
      "host --port 70000 --offline | p2p-tunnel host: --port 70000: out of range (expected: 1-65535) "
          + "(see 'p2p-tunnel host --help')",
      "host --port 80 --offline --rendezvous mqtt://x | p2p-tunnel host: --rendezvous and --rendezvous-ca are for "
          + "rendezvous, the default; they exclude --offline (see 'p2p-tunnel host --help')",
      "host --port 80 --signal http://x --rendezvous-ca ca.pem | p2p-tunnel host: --rendezvous and --rendezvous-ca "
          + "are for rendezvous, the default; they exclude --signal (see 'p2p-tunnel host --help')",
      "host --port 80 --rendezvous http://x | p2p-tunnel host: --rendezvous: broker http://x: scheme 'http' "
          + "(expected: mqtt://HOST[:PORT] or mqtts://HOST[:PORT]) (see 'p2p-tunnel host --help')",
      "host --port 80 --rendezvous mqtt://a --rendezvous mqtt://a:1883 | p2p-tunnel host: --rendezvous: broker "
          + "mqtt://a:1883 is listed twice (see 'p2p-tunnel host --help')",
      "host --port 80 --rendezvous mqtts://a --rendezvous-ca /nonexistent/ca.pem | p2p-tunnel host: --rendezvous-ca "
          + "/nonexistent/ca.pem (see 'p2p-tunnel host --help')",
      "client --port 80 | p2p-tunnel client: choose how to reach the host: --session ID (what the host printed), "
          + "--signal URL --session ID for a signaling server, or --offline (see 'p2p-tunnel client --help')",
      "client --port 80 --session abc | p2p-tunnel client: --session \"abc\" is not a Session ID (expected: 16 "
          + "characters of 0-9 and A-Z without I, L, O, U; dashes optional) (see 'p2p-tunnel client --help')",
      "client --port 80 --session 7KQ2-M9XA-R3TB-0C5D-HJ8W-ZP4E-6NYF | p2p-tunnel client: --session "
          + "\"7KQ2-M9XA-R3TB-0C5D-HJ8W-ZP4E-6NYF\" has 28 characters, like a Session ID of a signaling server (use it "
          + "with that server: HttpSignaling, or p2p-tunnel's --signal URL); a rendezvous Session ID has 16 "
          + "(see 'p2p-tunnel client --help')",
      "host --port 80 --offline --signal http://x | p2p-tunnel host: --signal and --offline exclude each other; "
          + "choose one (see 'p2p-tunnel host --help')",
      "host --port 80 --offline --max-clients 0 | p2p-tunnel host: --max-clients 0: must be at least 1 "
          + "(see 'p2p-tunnel host --help')",
      "host --port 80 --offline --stun stun:a --no-stun | p2p-tunnel host: --stun and --no-stun exclude each "
          + "other; choose one (see 'p2p-tunnel host --help')",
      "host --port 80 --offline --stun http://a | p2p-tunnel host: --stun http://a: not a STUN URL "
          + "(expected: stun:HOST[:PORT]) (see 'p2p-tunnel host --help')",
      "host --port 80 --offline --turn turn:t | p2p-tunnel host: --turn needs --turn-user and --turn-pass "
          + "(see 'p2p-tunnel host --help')",
      "host --port 80 --offline --turn-user u | p2p-tunnel host: --turn-user and --turn-pass need --turn URL "
          + "(see 'p2p-tunnel host --help')",
      "client --port 80 --offline --relay-only | p2p-tunnel client: --relay-only needs a TURN relay: add --turn "
          + "URL --turn-user U --turn-pass P (see 'p2p-tunnel client --help')",
      "client --port 80 --offline --session abc | p2p-tunnel client: --session is for rendezvous and --signal; "
          + "offline there is no session ID (see 'p2p-tunnel client --help')",
      "client --port 80 --signal http://x | p2p-tunnel client: --signal needs --session ID (the host prints it) "
          + "(see 'p2p-tunnel client --help')",
      "client --port -1 --offline | p2p-tunnel client: --port -1: out of range (expected: 0-65535) "
          + "(see 'p2p-tunnel client --help')",
      "try --mb | p2p-tunnel try: Missing required parameter for option '--mb' (N) (see 'p2p-tunnel try --help')",
      "host --port 80 --signal ftp://x | p2p-tunnel host: --signal ftp://x: not an http(s) URL "
          + "(expected: http://HOST:PORT) (see 'p2p-tunnel host --help')",
      "host --port 80 --signal http://a^b | p2p-tunnel host: --signal http://a^b: not a URL "
          + "(expected: http://HOST:PORT) (see 'p2p-tunnel host --help')",
      "client --port 80 --signal http://x --session abc | p2p-tunnel client: --session abc: not a Session ID "
          + "(expected: 28 characters of 0-9 and A-Z without I, L, O, U; dashes optional) "
          + "(see 'p2p-tunnel client --help')",
      "signal --port 70000 | p2p-tunnel signal: --port 70000: out of range (expected: 0-65535) "
          + "(see 'p2p-tunnel signal --help')",
      "client --port 80 --offline --keepalive 5s | p2p-tunnel client: --keepalive 5s: not INTERVAL,TIMEOUT "
          + "(expected e.g. 5s,15s) (see 'p2p-tunnel client --help')",
      "host --port 80 --offline --keepalive 10s,5s | p2p-tunnel host: --keepalive 10s,5s: the timeout must be "
          + "longer than the interval (see 'p2p-tunnel host --help')",
      "host --port 80 --offline --grace 2x | p2p-tunnel host: --grace 2x: not a duration (expected: 1s to 24h, "
          + "e.g. 90s or 5m) (see 'p2p-tunnel host --help')",
      "client --port 80 --offline --ice-restart-interval 0 | p2p-tunnel client: --ice-restart-interval 0: not a "
          + "duration (expected: 1s to 24h, e.g. 90s or 5m) (see 'p2p-tunnel client --help')",
      "client --port 80 --offline --connect-timeout 0 | p2p-tunnel client: --connect-timeout 0: not a duration "
          + "(expected: 1s to 24h, e.g. 90s or 5m) (see 'p2p-tunnel client --help')",
      "client --port 80 --find-timeout 2x | p2p-tunnel client: --find-timeout 2x: not a duration (expected: 1s to "
          + "24h, e.g. 90s or 5m) (see 'p2p-tunnel client --help')",
      "client --port 80 --offline --find-timeout 5s | p2p-tunnel client: --find-timeout is for rendezvous, the "
          + "default; it excludes --offline (see 'p2p-tunnel client --help')",
      "bogus | p2p-tunnel: Unmatched argument at index 0: 'bogus' (see 'p2p-tunnel --help')"})
  void shouldReportUsageErrorsAsOneLineWithExitCodeTwo(String args, String error) {
    Streams streams = new Streams();
    assertEquals(ExitCodes.USAGE, Main.run(streams.env, args.split(" ")));
    assertEquals(error + "\n", streams.err());
  }

  @Test
  void shouldReportAnUnreachableSignalingServerAsOneRuntimeErrorLine() {
    Streams streams = new Streams();
    assertEquals(ExitCodes.FAILURE, Main.run(streams.env, "host", "--port", "80", "--signal", "http://127.0.0.1:1"));
    String err = streams.err();
    assertTrue(err.startsWith("p2p-tunnel: cannot open a session on the signaling server http://127.0.0.1:1: "), err);
    assertTrue(err.endsWith("; check the URL and that 'p2p-tunnel signal' runs there\n"), err);
    assertEquals(1, err.lines().count(), err);
  }

  @Test
  void shouldRefuseTheBuiltInPublicBrokersWhileTheTestSuiteForbidsThem() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("P2P_TUNNEL_NO_PUBLIC_BROKERS") != null,
        "the build sets P2P_TUNNEL_NO_PUBLIC_BROKERS for every test JVM");
    for (String command : new String[] {"host --port 80", "client --port 0 --session 7KQ2-M9XA-R3TB-0C5D"}) {
      Streams streams = new Streams();
      assertEquals(ExitCodes.FAILURE, Main.run(streams.env, command.split(" ")), command);
      assertEquals("p2p-tunnel: the built-in public MQTT brokers are disabled in this environment "
          + "(P2P_TUNNEL_NO_PUBLIC_BROKERS=1, set by the test suite so that no test reaches the internet): give the "
          + "brokers explicitly with --rendezvous URL, or choose --signal URL or --offline\n", streams.err(), command);
    }
  }

  @Test
  void shouldStopAHostThatReachesNoBrokerNamingEachWithItsError(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Streams streams = new Streams();
    assertEquals(ExitCodes.FAILURE, Main.run(streams.env, "host", "--port", "80", "--rendezvous", "mqtt://127.0.0.1:1",
        "--config-dir", dir.toString()));
    assertTrue(streams.out().contains("Session ID: "), "the ID is shown at once: " + streams.out());
    assertEquals("p2p-tunnel: the host stopped: signaling ended: cannot reach any rendezvous broker: "
        + "mqtt://127.0.0.1:1: Connection refused; check this machine's network, or give other brokers with "
        + "--rendezvous URL\n", streams.err());
  }

  @Test
  void theSignalingServerIsFoundBeforeParsingForHostAndClientOnly() {
    assertEquals("http://10.0.0.1:8787", String.valueOf(Main.signalingServer("host", "--port", "9", "--signal",
        "http://10.0.0.1:8787")));
    assertEquals("https://s.example/", String.valueOf(Main.signalingServer("client", "--signal=https://s.example/",
        "--session", "X")));
    assertEquals("null", String.valueOf(Main.signalingServer("signal", "--signal", "http://10.0.0.1:8787")));
    assertEquals("null", String.valueOf(Main.signalingServer("host", "--port", "9")));
    assertEquals("null", String.valueOf(Main.signalingServer("host", "--signal")));
    assertEquals("null", String.valueOf(Main.signalingServer("host", "--signal", "mqtt://10.0.0.1")));
    assertEquals("null", String.valueOf(Main.signalingServer("host", "--signal", "http://bad host")));
    assertEquals("null", String.valueOf(Main.signalingServer()));
  }
}

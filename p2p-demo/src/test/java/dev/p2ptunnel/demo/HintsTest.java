package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Failure reasons from the library get advice that matches them, and only them. */
class HintsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "libpulse.so.0: cannot open shared object file | install the PulseAudio client library that libwebrtc links "
          + "(Debian/Ubuntu: apt-get install libpulse0)",
      "ICE gathering found no candidate within PT10S | no usable network interface: libwebrtc ignores loopback, so "
          + "connect this machine to a network",
      "DataChannel did not open within PT15S (timed out) | the peers could not reach each other: allow UDP through "
          + "the firewalls, or use a TURN relay (--turn URL --turn-user U --turn-pass P)",
      "tunnel setup failed: p2pt-webrtc-1: data channel open: no result within 15000 ms | the peers could not reach "
          + "each other: allow UDP through the firewalls, or use a TURN relay (--turn URL --turn-user U --turn-pass P)",
      "tunnel setup failed: data channel did not open within PT15S | the peers could not reach each other: allow "
          + "UDP through the firewalls, or use a TURN relay (--turn URL --turn-user U --turn-pass P)",
      "ICE connection failed | the peers could not reach each other: allow UDP through the firewalls, or use a TURN "
          + "relay (--turn URL --turn-user U --turn-pass P)",
      "tunnel setup failed: standard input closed | offline mode reads the other side's token from standard "
          + "input: run it in a terminal, or keep the pipe open",
      "service failed to answer | run with --verbose for details",
      "rejected by the host | the host said no; ask them to approve your join request",
      "the host refused the join request | the host said no; ask them to approve your join request"})
  void shouldAdviseOnRecognisedReasons(String reason, String advice) {
    assertEquals("it failed: " + reason + "; " + advice, Hints.explain("it failed", reason));
  }

  @org.junit.jupiter.api.Test
  void shouldAddNothingToRendezvousReasonsThatSayWhatToCheckAndNotMistakeARefusedConnectionForTheHost() {
    String noHost = "tunnel setup failed: no host answered Session ID 7KQ2-M9XA-R3TB-0C5D within 20 s through "
        + "mqtt://a:1883: check the Session ID (a typo leads nowhere) and that the host is running with the same brokers";
    assertEquals("it failed: " + noHost, Hints.explain("it failed", noHost));
    String silent = "tunnel setup failed: the host stopped answering: nothing through mqtt://a:1883 for 60 s";
    assertEquals("it failed: " + silent, Hints.explain("it failed", silent));
    String unreachable = "tunnel setup failed: cannot reach any rendezvous broker: mqtt://a:1883: Connection refused";
    assertEquals("it failed: " + unreachable + "; check this machine's network, or give other brokers with "
        + "--rendezvous URL", Hints.explain("it failed", unreachable));
  }
}

package dev.p2ptunnel.demo;

import java.util.Locale;

/** Turns a failure reason from the library into one line that also says what to do. Stateless. */
final class Hints {
  private Hints() {}

  /** {@code what + ": " + reason}, followed by advice when the reason is one we recognise. */
  static String explain(String what, String reason) {
    String lower = reason.toLowerCase(Locale.ROOT);
    String advice;
    if (reason.contains("IDENTITY HAS CHANGED") || lower.contains("fingerprint mismatch")
        || lower.contains("offer expired")) {
      return what + ": " + reason; // says all there is to say
    } else if (lower.contains("the host is busy")) {
      return what + ": " + reason + "; another client is connected: try again once it has left";
    } else if (lower.contains("did not decide within")) {
      return what + ": " + reason + "; ask the host person to answer the prompt, then join again";
    } else if (lower.contains("no host answered session id") || lower.contains("the host stopped answering")) {
      return what + ": " + reason; // rendezvous: says what to check
    } else if (lower.contains("cannot reach any rendezvous broker")) {
      return what + ": " + reason + "; check this machine's network, or give other brokers with --rendezvous URL";
    } else if (lower.contains("the host is not answering")) {
      return what + ": " + reason + "; the host is not running or lost its network: ask the host person";
    }
    if (lower.contains("libpulse")) {
      advice = "install the PulseAudio client library that libwebrtc links (Debian/Ubuntu: apt-get install libpulse0)";
    } else if (lower.contains("load library") || lower.contains("unsatisfiedlinkerror")) {
      advice = "the native WebRTC library could not load; run on Linux x86-64 with libpulse0, libX11 and libudev "
          + "installed";
    } else if (lower.contains("no candidate")) {
      advice = "no usable network interface: libwebrtc ignores loopback, so connect this machine to a network";
    } else if (lower.contains("timed out") || lower.contains("timeout") || lower.contains("no result within")
        || lower.contains("did not open within")
        || lower.matches("(?s).*\\bice\\b.*") && lower.contains("fail")) {
      advice = "the peers could not reach each other: allow UDP through the firewalls, or use a TURN relay "
          + "(--turn URL --turn-user U --turn-pass P)";
    } else if (lower.contains("standard input closed")) {
      advice = "offline mode reads the other side's token from standard input: run it in a terminal, or keep the "
          + "pipe open";
    } else if (lower.contains("refused") || lower.contains("rejected")) {
      advice = "the host said no; ask them to approve your join request";
    } else {
      advice = "run with --verbose for details";
    }
    return what + ": " + reason + "; " + advice;
  }
}

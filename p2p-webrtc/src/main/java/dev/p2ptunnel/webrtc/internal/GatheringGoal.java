package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.webrtc.WebRtcConfig;
import java.time.Duration;

/**
 * When a session's first description may go before ICE gathering completes (issue 15, docs/PERFORMANCE.md "Start,
 * step by step"). libwebrtc gathers in phases 50 ms apart (UDP with STUN, then TURN, then TCP) and reports COMPLETE
 * only when every phase and every STUN and TURN server is done, so waiting for it costs each side ~150 ms even when
 * the candidates that make a path were there after a few ms, and seconds when one of several STUN servers is slow or
 * unreachable. The goal is reached once the description holds a UDP candidate of each kind the configuration can
 * give: a host candidate (unless relay-only), a server-reflexive one when a STUN server is configured (unless
 * relay-only), a relay candidate when a TURN server is. The description then goes {@link #SETTLE} later (the same
 * phase's candidates of other interfaces arrive within it), or at COMPLETE if that comes first, or at the gathering
 * timeout as before if the goal is never reached (a STUN server that does not answer).
 *
 * <p>Still vanilla ICE, the same messages as before: only the moment changes. What is left out are candidates that
 * arrive after the settle: host TCP candidates (ICE-TCP, which connects only where the peer reaches this host's TCP
 * port directly and UDP between them is blocked) and the answers of slower STUN or TURN servers of the same kind.
 * Candidates the peer's checks discover (peer-reflexive) still work. Not thread-safe: the session thread owns it.
 */
final class GatheringGoal {
  /** How long after the goal the description goes, for the candidates of the same phase on other interfaces. */
  static final Duration SETTLE = Duration.ofMillis(30);

  private final boolean early;
  private final boolean wantHost;
  private final boolean wantReflexive;
  private final boolean wantRelay;
  private boolean host;
  private boolean reflexive;
  private boolean relay;
  private boolean reached;

  GatheringGoal(WebRtcConfig config) {
    this(config, !"complete".equals(System.getProperty("p2p.ice.gathering")));
  }

  /**
   * @param early false: never reached, the description waits for COMPLETE as before
   *     ({@code -Dp2p.ice.gathering=complete}, a diagnostic for comparisons)
   */
  GatheringGoal(WebRtcConfig config, boolean early) {
    this.early = early;
    boolean stun = false;
    boolean turn = false;
    for (WebRtcConfig.IceServer server : config.iceServers()) {
      for (String url : server.urls()) {
        stun |= url.startsWith("stun:") || url.startsWith("stuns:");
        turn |= url.startsWith("turn:") || url.startsWith("turns:");
      }
    }
    this.wantHost = !config.relayOnly();
    this.wantReflexive = stun && !config.relayOnly();
    this.wantRelay = turn;
  }

  /** Notes a gathered candidate (its SDP line); true for the one that reaches the goal, once. */
  boolean reachedWith(String candidateSdp) {
    if (reached || !early) {
      return false;
    }
    String[] fields = candidateSdp.trim().split(" ");
    String protocol = fields.length > 2 ? fields[2] : "";
    String type = "";
    for (int i = 0; i + 1 < fields.length; i++) {
      if (fields[i].equals("typ")) {
        type = fields[i + 1];
        break;
      }
    }
    if (type.equals("relay")) {
      relay = true; // over whichever transport the TURN server was reached: the relayed address is UDP
    } else if (protocol.equalsIgnoreCase("udp")) {
      host |= type.equals("host");
      reflexive |= type.equals("srflx");
    }
    reached = (!wantHost || host) && (!wantReflexive || reflexive) && (!wantRelay || relay)
        && (wantHost || wantReflexive || wantRelay);
    return reached;
  }
}

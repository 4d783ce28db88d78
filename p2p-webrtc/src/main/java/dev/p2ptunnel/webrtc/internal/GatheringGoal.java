package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.webrtc.WebRtcConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

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
 * <p>The settle is skipped when nothing of that phase can still come ({@link #nothingMoreExpected}): with a STUN
 * server and no TURN server, once every host UDP candidate of an address family that gave a reflexive candidate has
 * its own (the reflexive candidate's {@code raddr} names its host candidate). libwebrtc makes the host candidates of
 * every network in one go on its network thread when the UDP phase starts, and a reflexive one only when a STUN
 * answer comes back later on the same thread, so when the first reflexive candidate arrives every host candidate of
 * the phase is known. A family without any reflexive candidate (IPv6 without NAT: libwebrtc drops a reflexive address
 * equal to its host address; a STUN server of the other family) waits for nothing. Anything else (no STUN server, a
 * TURN server, a host candidate still without its reflexive one) settles as before. Measured in docs/PERFORMANCE.md,
 * "Start, seventh session": 30 ms of pure wait on each side's description, both on the join's critical path.
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
  /** Host UDP candidates by address, and whether a reflexive candidate named it as its base. */
  private final Map<String, Boolean> reflected = new HashMap<>();

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

  /**
   * Notes a gathered candidate (its SDP line; later ones too, for {@link #nothingMoreExpected}); true for the one
   * that reaches the goal, once.
   */
  boolean reachedWith(String candidateSdp) {
    if (!early) {
      return false;
    }
    boolean before = reached;
    String[] fields = candidateSdp.trim().split(" ");
    String protocol = fields.length > 2 ? fields[2] : "";
    String type = valueAfter(fields, "typ");
    if (type.equals("relay")) {
      relay = true; // over whichever transport the TURN server was reached: the relayed address is UDP
    } else if (protocol.equalsIgnoreCase("udp")) {
      host |= type.equals("host");
      reflexive |= type.equals("srflx");
      String address = fields.length > 4 ? fields[4] : "";
      if (type.equals("host") && !address.isEmpty()) {
        reflected.putIfAbsent(address, false);
      } else if (type.equals("srflx")) {
        String base = valueAfter(fields, "raddr");
        if (!base.isEmpty()) {
          reflected.put(base, true);
        }
      }
    }
    reached = (!wantHost || host) && (!wantReflexive || reflexive) && (!wantRelay || relay)
        && (wantHost || wantReflexive || wantRelay);
    return reached && !before;
  }

  /**
   * Whether the goal is reached and no candidate of its phase can still come, so that the description may go now
   * instead of {@link #SETTLE} later (see the class comment). False when the goal is not reached, without a STUN
   * server, with a TURN server, or when a host UDP candidate of a family that gave a reflexive candidate has none yet.
   */
  boolean nothingMoreExpected() {
    if (!reached || !wantReflexive || wantRelay) {
      return false;
    }
    boolean v4 = false;
    boolean v6 = false;
    for (Map.Entry<String, Boolean> e : reflected.entrySet()) {
      if (e.getValue()) {
        boolean six = e.getKey().indexOf(':') >= 0;
        v4 |= !six;
        v6 |= six;
      }
    }
    for (Map.Entry<String, Boolean> e : reflected.entrySet()) {
      boolean six = e.getKey().indexOf(':') >= 0;
      if (!e.getValue() && (six ? v6 : v4)) {
        return false; // its family's STUN answers come in: this one's may still come
      }
    }
    return true;
  }

  private static String valueAfter(String[] fields, String key) {
    for (int i = 0; i + 1 < fields.length; i++) {
      if (fields[i].equals(key)) {
        return fields[i + 1];
      }
    }
    return "";
  }
}

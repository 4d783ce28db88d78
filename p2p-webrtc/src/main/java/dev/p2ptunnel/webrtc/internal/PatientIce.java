package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An answerer whose answer travels by hand (offline tokens): the client applies it minutes later. libwebrtc starts
 * its connectivity checks at once, gives up after about 20 s, and by then the home routers' filters have forgotten
 * the checks, so the client's checks would be dropped. So the remote candidates are taken out of the offer before it
 * is applied and added separately, and every {@link #KNOCK_INTERVAL_NS} until the channel opens they are removed
 * and added again: fresh checks towards the client keep both routers' mappings open (and TURN permissions alive)
 * until the client answers them. The session ignores a FAILED connection state meanwhile. Owned by the session
 * thread.
 */
final class PatientIce {
  static final long KNOCK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(5);

  private final String strippedSdp;
  private final RTCIceCandidate[] candidates;
  private int knocks;

  private PatientIce(String strippedSdp, RTCIceCandidate[] candidates) {
    this.strippedSdp = strippedSdp;
    this.candidates = candidates;
  }

  /** Splits an offer into its SDP without candidates and the candidates (with their m-line's mid). */
  static PatientIce of(String sdp) {
    StringBuilder stripped = new StringBuilder(sdp.length());
    List<RTCIceCandidate> found = new ArrayList<>();
    String mid = "0";
    int mLine = -1;
    for (String line : sdp.split("\r?\n")) {
      if (line.startsWith("m=")) {
        mLine++;
      } else if (line.startsWith("a=mid:")) {
        mid = line.substring("a=mid:".length()).strip();
      }
      if (line.startsWith("a=candidate:")) {
        found.add(new RTCIceCandidate(mid, Math.max(0, mLine), line.substring(2)));
      } else if (!line.equals("a=end-of-candidates") && !line.isEmpty()) {
        stripped.append(line).append("\r\n");
      }
    }
    // The mid of a candidate is that of its m-line; the loop saw the mid only after the m-line started, so fix
    // candidates of bundled single-section offers (ours) to the last mid seen.
    String lastMid = mid;
    RTCIceCandidate[] fixed = found.stream()
        .map(c -> new RTCIceCandidate(lastMid, c.sdpMLineIndex, c.sdp)).toArray(RTCIceCandidate[]::new);
    return new PatientIce(stripped.toString(), fixed);
  }

  String strippedSdp() {
    return strippedSdp;
  }

  /** Session thread, once the stripped offer is applied: the first checks. */
  void start(PeerSession session, RTCPeerConnection pc) {
    for (RTCIceCandidate candidate : candidates) {
      pc.addIceCandidate(candidate);
    }
    session.schedule(() -> knock(session, pc), KNOCK_INTERVAL_NS);
  }

  /** Session thread: checks again unless the channel is open, the connection up, or the session gone. */
  private void knock(PeerSession session, RTCPeerConnection pc) {
    if (session.waitingForPeer()) {
      if (pc.getConnectionState() != RTCPeerConnectionState.CONNECTED) {
        knocks++;
        pc.removeIceCandidates(candidates);
        for (RTCIceCandidate candidate : candidates) {
          pc.addIceCandidate(candidate);
        }
        if (knocks % 12 == 1) {
          PeerSession.LOG.log(Level.DEBUG, () -> session.name() + ": still waiting for the peer, checks renewed ("
              + knocks + ")");
        }
      }
      session.schedule(() -> knock(session, pc), KNOCK_INTERVAL_NS);
    }
  }
}

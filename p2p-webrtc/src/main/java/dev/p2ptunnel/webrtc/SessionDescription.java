package dev.p2ptunnel.webrtc;

import java.util.Objects;

/**
 * A complete session description (with every gathered ICE candidate: vanilla ICE), as exchanged through
 * {@link Signaling} or an {@link OfflineToken}. Immutable.
 *
 * @param type whether this is the offer or the answer
 * @param sdp the SDP text
 */
public record SessionDescription(Type type, String sdp) {
  /** Which side of the exchange a description is. */
  public enum Type {
    /** Written by the side that starts: {@link WebRtcSession#offer}. */
    OFFER,
    /** Written by the side that replies: {@link WebRtcSession#answer}. */
    ANSWER
  }

  /** Validates that both parts are present. */
  public SessionDescription {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sdp, "sdp");
  }

  /** Type and length only: the SDP carries ICE credentials, which do not belong in logs. */
  @Override
  public String toString() {
    return "SessionDescription[" + type + ", " + sdp.length() + " chars]";
  }
}

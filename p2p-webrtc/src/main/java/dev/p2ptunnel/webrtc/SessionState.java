package dev.p2ptunnel.webrtc;

/** Where a {@link WebRtcSession} is in its life; it only moves forward. */
public enum SessionState {
  /** Gathering ICE candidates for the local description. */
  GATHERING,
  /** The local description is complete; waiting for the remote one (offerer) or for the connection. */
  CONNECTING,
  /** The DataChannel is open. */
  OPEN,
  /** Closed (by either side, by failure or by timeout); every native object is released or being released. */
  CLOSED
}

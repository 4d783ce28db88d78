package dev.p2ptunnel.webrtc;

/** How the selected ICE candidate pair reaches the peer. */
public enum PathType {
  /** Host, server-reflexive or peer-reflexive candidates on both sides: no relay in between. */
  DIRECT,
  /** A TURN relay on at least one side. */
  RELAYED
}

package dev.p2ptunnel.webrtc;

/** The host refused this client's join request (a person said no, or the host takes no more clients). */
public final class JoinRejectedException extends WebRtcException {
  private static final long serialVersionUID = 1L;

  /** @param reason what the host said, e.g. "rejected by the host" */
  public JoinRejectedException(String reason) {
    super(reason);
  }
}

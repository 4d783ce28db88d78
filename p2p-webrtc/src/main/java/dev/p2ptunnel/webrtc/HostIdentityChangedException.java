package dev.p2ptunnel.webrtc;

/**
 * The host presented another identity than the one remembered for it ({@link ClientOptions#knownHosts()}): someone
 * may be in between, or the host reset its identity. The join is withdrawn; nothing was sent to the host.
 */
public final class HostIdentityChangedException extends WebRtcException {
  private static final long serialVersionUID = 1L;

  /** @param message what was remembered, what came, and how to forget the old identity if the change is real */
  public HostIdentityChangedException(String message) {
    super(message);
  }
}

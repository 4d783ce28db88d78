package dev.p2ptunnel.webrtc;

/** A WebRTC session could not be set up or failed: its message says which step and why. */
public class WebRtcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the step that failed. */
  public WebRtcException(String message) {
    super(message);
  }

  /** With a message naming the step that failed, and its cause. */
  public WebRtcException(String message, Throwable cause) {
    super(message, cause);
  }
}

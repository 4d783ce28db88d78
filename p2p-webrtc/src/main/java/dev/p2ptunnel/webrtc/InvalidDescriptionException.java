package dev.p2ptunnel.webrtc;

/** The remote session description is malformed or of the wrong type; the message names the problem. */
public final class InvalidDescriptionException extends WebRtcException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the problem. */
  public InvalidDescriptionException(String message) {
    super(message);
  }

  /** With a message naming the problem, and libwebrtc's error as the cause. */
  public InvalidDescriptionException(String message, Throwable cause) {
    super(message, cause);
  }
}

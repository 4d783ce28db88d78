package dev.p2ptunnel.webrtc;

/** A pasted {@link OfflineToken} is not one we can read; the message says what is wrong with it. */
public final class InvalidTokenException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** With a message naming what is wrong. */
  public InvalidTokenException(String message) {
    super(message);
  }

  /** With a message naming what is wrong, and the decoder's error. */
  public InvalidTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.p2ptunnel.signaling.internal;

/** The store cannot be reached or refused to work (Redis down, out of memory): answered 503, logged. */
final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.p2ptunnel.rendezvous.internal;

/**
 * A received message that is not ours to accept: damaged, forged, replayed, out of place. Peer (or broker) input, so
 * a checked exception whose message names the field, the value and the limit; the message is discarded and nothing
 * else changes.
 */
public final class InvalidMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong, e.g. {@code "version 2 (expected: 1)"} */
  public InvalidMessageException(String message) {
    super(message);
  }
}

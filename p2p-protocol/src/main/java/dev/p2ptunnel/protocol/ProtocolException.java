package dev.p2ptunnel.protocol;

/**
 * The peer sent something that breaks the protocol. Its message names the field, the value and the limit, and
 * {@link #socketId()} names the one logical socket it concerns, so that a bad frame closes at most that socket.
 *
 * <p>Peer data is not a programming error: this is thrown or reported for input, never for caller bugs (those
 * are {@link IllegalArgumentException} / {@link IllegalStateException}). It carries no stack trace, since a
 * hostile peer can cause any number of them. Immutable and thread-safe.
 */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  /** {@link #socketId()} when the input was too short to name a socket. */
  public static final int NO_SOCKET = -1;

  /** What kind of rule the input broke; statistics count errors by it. */
  public enum Reason {
    /** Shorter than the header. */
    TRUNCATED,
    /** {@code payload_size} is above the maximum. */
    PAYLOAD_TOO_LARGE,
    /** {@code payload_size} disagrees with the message length. */
    PAYLOAD_SIZE_MISMATCH,
    /** {@code total_chunks} is zero. */
    ZERO_TOTAL_CHUNKS,
    /** {@code chunk_index} is not below {@code total_chunks}. */
    CHUNK_INDEX_OUT_OF_RANGE,
    /** A chunk of a message arrived twice. */
    DUPLICATE_CHUNK,
    /** {@code total_chunks} changed between chunks of one message. */
    TOTAL_CHUNKS_CHANGED,
    /** The event changed between chunks of one message. */
    EVENT_CHANGED,
    /** A frame arrived for a socket the peer had already closed. */
    SOCKET_CLOSED,
    /** Buffering the frame would exceed a configured memory or partial-message limit. */
    LIMIT_EXCEEDED,
    /** The payload of a message is not what its event requires. */
    BAD_PAYLOAD
  }

  private final Reason reason;
  private final int socketId;

  /**
   * @param reason the rule that was broken
   * @param socketId the logical socket concerned, or {@link #NO_SOCKET}
   * @param message names the field, its value and the limit
   */
  public ProtocolException(Reason reason, int socketId, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.socketId = socketId;
  }

  /** The rule that was broken. */
  public Reason reason() {
    return reason;
  }

  /** The logical socket the error concerns, or {@link #NO_SOCKET}. */
  public int socketId() {
    return socketId;
  }
}

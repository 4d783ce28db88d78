package dev.p2ptunnel.signaling.api;

/**
 * A JSON body that breaks the wire rules (immutable): its {@link #code()} ({@link ErrorCode#BAD_JSON},
 * {@link ErrorCode#MISSING_FIELD} or {@link ErrorCode#INVALID_FIELD}) and a message naming the field, what it was and
 * what was expected ({@code clientName: a number ("5") (expected: a string)}).
 */
public final class BodyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /** A refusal of a body; {@code message} names the field, the value and the rule. */
  public BodyException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** What kind of fault: bad JSON, a missing field or an invalid one. */
  public ErrorCode code() {
    return code;
  }

  /** An invalid field: {@code field: problem}. */
  public static BodyException badField(String field, String problem) {
    return new BodyException(ErrorCode.INVALID_FIELD, field + ": " + problem);
  }
}

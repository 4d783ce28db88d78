package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.api.ErrorCode;
import java.util.Map;

/**
 * A request the server refuses: an {@link ErrorCode} (with its HTTP status) and a message for people. Thrown anywhere
 * below the handler (or completing a store's future) and turned into a {@code {"error": code, "message": message}}
 * body there.
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient Map<String, String> headers;

  public ApiError(ErrorCode code, String message) {
    this(code, message, Map.of());
  }

  public ApiError(ErrorCode code, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.code = code;
    this.headers = headers;
  }

  /** 429 (or another status of {@code code}) with a Retry-After of {@code seconds} (at least 1). */
  static ApiError retryAfter(ErrorCode code, String message, long seconds) {
    return new ApiError(code, message, Map.of("Retry-After", Long.toString(Math.max(1, seconds))));
  }

  ErrorCode code() {
    return code;
  }

  Reply reply() {
    return Reply.error(code, getMessage(), headers);
  }
}

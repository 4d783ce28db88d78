package dev.p2ptunnel.webrtc.signaling;

import java.util.Map;

/**
 * A request the server refuses: an HTTP status, a stable machine-readable code and a message for people. Thrown
 * anywhere below the handler and turned into a {@code {"error": code, "message": message}} body there.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Map<String, String> headers;

  ApiError(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  ApiError(int status, String code, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** 429 with a Retry-After of {@code seconds} (at least 1). */
  static ApiError tooMany(String code, String message, long seconds) {
    return new ApiError(429, code, message, Map.of("Retry-After", Long.toString(Math.max(1, seconds))));
  }

  static ApiError badField(String field, String problem) {
    return new ApiError(400, "invalid_field", field + ": " + problem);
  }

  static ApiError missingField(String field, String expected) {
    return new ApiError(400, "missing_field", field + ": missing (expected: " + expected + ")");
  }

  Reply reply() {
    return Reply.error(status, code, getMessage(), headers);
  }
}

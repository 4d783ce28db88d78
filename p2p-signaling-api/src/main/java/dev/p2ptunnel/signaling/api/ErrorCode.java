package dev.p2ptunnel.signaling.api;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Every {@code error} code of the server's JSON error bodies ({@code {"error": code, "message": text}}) with its
 * HTTP status (docs/SIGNALING.md, Errors). A client branches on the code, never on the message.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  BAD_JSON(400),
  MISSING_FIELD(400),
  INVALID_FIELD(400),
  INVALID_SESSION_ID(400),
  INVALID_QUERY(400),
  FORBIDDEN(403),
  SESSION_NOT_FOUND(404),
  JOIN_NOT_FOUND(404),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  BODY_TIMEOUT(408),
  HEADER_TIMEOUT(408),
  SESSION_FULL(409),
  HOST_NOT_ANSWERING(409),
  ALREADY_ANSWERED(409),
  NOT_PAIRED(409),
  NOT_REVEALED(409),
  WRONG_STATE(409),
  SESSION_EXPIRED(410),
  SESSION_CLOSED(410),
  SESSION_REPLACED(410),
  SESSION_EVICTED(410),
  JOIN_EXPIRED(410),
  LENGTH_REQUIRED(411),
  BODY_TOO_LARGE(413),
  URI_TOO_LONG(414),
  UNSUPPORTED_MEDIA_TYPE(415),
  RATE_LIMITED(429),
  TOO_MANY_JOINS(429),
  TOO_MANY_SESSIONS(429),
  TOO_MANY_POLLS(429),
  TOO_MANY_CONNECTIONS(429),
  SERVER_FULL(429),
  HEADERS_TOO_LARGE(431),
  INTERNAL_ERROR(500),
  NOT_IMPLEMENTED(501),
  SERVER_CLOSING(503),
  STORE_UNAVAILABLE(503);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  /** The HTTP status it is sent with. */
  public int status() {
    return status;
  }

  /** The code on the wire: {@code session_full}, … */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a client should try the same request again after a pause rather than give up: the server (or the
   * instance it reached) had a passing fault or is stopping, or a limit on waiting polls was reached.
   */
  public boolean transientFault() {
    return status >= 500 && this != NOT_IMPLEMENTED || this == TOO_MANY_POLLS;
  }

  /** The code of a wire name, or null if this version does not know it. */
  public static @Nullable ErrorCode of(String wire) {
    for (ErrorCode code : values()) {
      if (code.wire().equals(wire)) {
        return code;
      }
    }
    return null;
  }
}

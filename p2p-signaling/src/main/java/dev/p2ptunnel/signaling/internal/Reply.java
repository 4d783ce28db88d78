package dev.p2ptunnel.signaling.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JsonBodies;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One response: status, JSON body, extra headers, and the error code if it is an error (for the access log and the
 * metrics). Immutable.
 *
 * @param status the HTTP status
 * @param body the JSON text sent as the body
 * @param headers extra response headers (e.g. Retry-After, Allow)
 * @param error the error code of an error reply, else null
 */
record Reply(int status, byte[] body, Map<String, String> headers, @Nullable ErrorCode error) {
  Reply {
    headers = Map.copyOf(headers);
  }

  static Reply of(int status, ObjectNode body) {
    return new Reply(status, JsonBodies.bytes(body), Map.of(), null);
  }

  static Reply error(ErrorCode code, String message, Map<String, String> headers) {
    return new Reply(code.status(), JsonBodies.bytes(JsonBodies.object().put("error", code.wire())
        .put("message", message)), headers, code);
  }

  /** This reply with one more header. */
  Reply with(String header, String value) {
    Map<String, String> more = new java.util.HashMap<>(headers);
    more.put(header, value);
    return new Reply(status, body, more, error);
  }
}

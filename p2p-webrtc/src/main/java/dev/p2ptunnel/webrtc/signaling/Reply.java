package dev.p2ptunnel.webrtc.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One response: status, JSON body, extra headers. Immutable once built.
 *
 * @param status the HTTP status
 * @param body the JSON object sent as the body
 * @param headers extra response headers (e.g. Retry-After, Allow)
 */
record Reply(int status, ObjectNode body, Map<String, String> headers) {
  Reply {
    headers = Map.copyOf(headers);
  }

  static Reply of(int status, ObjectNode body) {
    return new Reply(status, body, Map.of());
  }

  static Reply error(int status, String code, String message, Map<String, String> headers) {
    return new Reply(status, Json.object().put("error", code).put("message", message), headers);
  }
}

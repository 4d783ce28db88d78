/**
 * What the HTTP signaling server ({@code dev.p2ptunnel.signaling}) and its clients ({@code dev.p2ptunnel.webrtc})
 * share on the wire: Session IDs, error codes, join states, field limits and the strict JSON reading rules. No HTTP
 * server, no store: a client depends on this alone.
 */
module dev.p2ptunnel.signaling.api {
  // JsonBodies hands out Jackson trees (ObjectNode): the modules that read bodies with it read Jackson too.
  requires transitive com.fasterxml.jackson.databind;
  requires static org.jspecify;

  exports dev.p2ptunnel.signaling.api;
}

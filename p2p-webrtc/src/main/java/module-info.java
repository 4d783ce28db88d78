/**
 * One WebRTC peer connection with one negotiated DataChannel, exposed as a
 * {@link dev.p2ptunnel.bridge.MessageChannel}, plus offline signaling tokens.
 */
module dev.p2ptunnel.webrtc {
  requires transitive dev.p2ptunnel.bridge;
  requires webrtc.java;
  requires static org.jspecify;

  exports dev.p2ptunnel.webrtc;
}

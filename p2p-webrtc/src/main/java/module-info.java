/**
 * One WebRTC peer connection with one negotiated DataChannel, exposed as a
 * {@link dev.p2ptunnel.bridge.MessageChannel}, plus offline signaling tokens and the clients of the HTTP signaling
 * server (the server itself is the module dev.p2ptunnel.signaling).
 */
// dev.p2ptunnel.natives.resolver is automatic on purpose; the demo app, to which one package is exported, is not
// among this module's dependencies (javac warns about a qualified export to a module it cannot see)
@SuppressWarnings({"requires-automatic", "module"})
module dev.p2ptunnel.webrtc {
  requires transitive dev.p2ptunnel.bridge;
  requires webrtc.java;
  // An empty automatic module: resolving it makes the JVM resolve every automatic module on the module path, among
  // them webrtc-java's native jars (webrtc.linux.x86_64, …), which nothing requires. Without them in the module graph
  // webrtc-java cannot find libwebrtc and fails with a NullPointerException.
  requires dev.p2ptunnel.natives.resolver;
  requires static org.jspecify;
  // The HTTP signaling clients: the JDK's HTTP client (transitive: their builders take the app's HttpClient); the wire
  // vocabulary shared with the server (and through it Jackson's tree model for bodies).
  requires transitive java.net.http;
  requires dev.p2ptunnel.signaling.api;
  requires com.fasterxml.jackson.databind;
  // The DTLS identity's self-signed certificate (Identity): Bouncy Castle's certificate builder.
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;

  exports dev.p2ptunnel.webrtc;
  exports dev.p2ptunnel.webrtc.signaling;
  // The user's directories per OS, one rule for the library's and the demo app's files (its class archives).
  exports dev.p2ptunnel.webrtc.internal.dirs to dev.p2ptunnel.demo;
}

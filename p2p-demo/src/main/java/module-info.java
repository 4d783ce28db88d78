/**
 * The p2p-tunnel command-line app: {@code host}, {@code client}, {@code signal} and {@code try}. An application,
 * not a library: it exports nothing.
 */
module dev.p2ptunnel.demo {
  requires dev.p2ptunnel.webrtc;
  requires dev.p2ptunnel.rendezvous;
  requires dev.p2ptunnel.signaling;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  requires java.logging;
  requires java.management; // ClassArchive: the JVM options to start the second JVM with
  requires java.net.http;
  requires jdk.httpserver;
  requires static org.jspecify;

  // Jackson reads the stats records (picocli reflects over nothing here: the command line is built in code, Cli).
  opens dev.p2ptunnel.demo to com.fasterxml.jackson.databind;
}

/**
 * The HTTP signaling server ({@code docs/SIGNALING.md}): hardened HTTP on Jetty, state in memory or in Redis shared
 * by several instances, Prometheus metrics, and its command line. No WebRTC: the server only relays descriptions.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Lettuce, Prometheus: automatic modules
module dev.p2ptunnel.signaling {
  requires transitive dev.p2ptunnel.signaling.api;
  requires org.eclipse.jetty.server;
  requires lettuce.core;
  requires io.netty.common;
  requires io.prometheus.metrics.core;
  requires io.prometheus.writer.text;
  requires io.prometheus.metrics.model;
  requires io.prometheus.metrics.config;
  requires transitive info.picocli;
  requires java.logging;
  requires static org.jspecify;

  exports dev.p2ptunnel.signaling;
  exports dev.p2ptunnel.signaling.cli;
  // picocli sets the option fields of the command line.
  opens dev.p2ptunnel.signaling.cli to info.picocli;
}

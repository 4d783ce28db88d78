/**
 * The p2p-tunnel engine: many TCP connections over one {@link dev.p2ptunnel.bridge.MessageChannel}.
 */
module dev.p2ptunnel.bridge {
  requires transitive dev.p2ptunnel.protocol;
  requires static transitive org.jspecify;

  exports dev.p2ptunnel.bridge;
}

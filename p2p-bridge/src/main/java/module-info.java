/**
 * The p2p-tunnel engine: many TCP connections over one {@link dev.p2ptunnel.bridge.MessageChannel}.
 */
module dev.p2ptunnel.bridge {
  requires transitive dev.p2ptunnel.protocol;
  // Nullness annotations for our compiler only: not transitive, so users' modules compile without jspecify.
  requires static org.jspecify;

  exports dev.p2ptunnel.bridge;
}

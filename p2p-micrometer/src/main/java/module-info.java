/**
 * Optional Micrometer binder for p2p-tunnel ({@link dev.p2ptunnel.micrometer.TunnelMetrics}): bytes, messages,
 * sockets, errors by kind and clients of a tunnel, read from its public stats.
 */
// micrometer.core is an automatic module (its Automatic-Module-Name): a stable name, required transitively because
// TunnelMetrics implements its MeterBinder.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.p2ptunnel.micrometer {
  requires transitive dev.p2ptunnel.webrtc;
  requires transitive micrometer.core;
  requires static org.jspecify;

  exports dev.p2ptunnel.micrometer;
}

package dev.p2ptunnel.signaling.internal;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.DoubleSupplier;

/**
 * The server's Prometheus metrics (names in docs/SIGNALING.md), in a registry of its own (never the JVM-wide
 * default one, so two servers in one JVM do not mix). Thread-safe.
 */
final class Metrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Counter rejections;
  private final Counter sessionsCreated;
  private final Counter joinsCreated;
  private final Histogram latency;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  Metrics(DoubleSupplier sessions, DoubleSupplier parkedPolls, DoubleSupplier connections) {
    requests = Counter.builder().name("p2p_signaling_http_requests_total")
        .help("HTTP requests answered, by status code").labelNames("status").register(registry);
    rejections = Counter.builder().name("p2p_signaling_rejections_total")
        .help("Requests and connections refused, by reason (the error code, or connection_limit, header_timeout)")
        .labelNames("reason").register(registry);
    sessionsCreated = Counter.builder().name("p2p_signaling_sessions_created_total")
        .help("Sessions created by this instance").register(registry);
    joinsCreated = Counter.builder().name("p2p_signaling_joins_created_total")
        .help("Join requests accepted by this instance").register(registry);
    latency = Histogram.builder().name("p2p_signaling_request_duration_seconds")
        .help("Time from a request's head to its response, long-polls excluded")
        .classicOnly().classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
        .register(registry);
    GaugeWithCallback.builder().name("p2p_signaling_sessions")
        .help("Live sessions in the store (every instance's, with Redis)")
        .callback(cb -> cb.call(sessions.getAsDouble())).register(registry);
    GaugeWithCallback.builder().name("p2p_signaling_polls_parked")
        .help("Long-polls waiting in this instance").callback(cb -> cb.call(parkedPolls.getAsDouble()))
        .register(registry);
    GaugeWithCallback.builder().name("p2p_signaling_connections_open")
        .help("Open HTTP connections of this instance").callback(cb -> cb.call(connections.getAsDouble()))
        .register(registry);
  }

  void answered(int status, String route, double seconds, boolean poll) {
    requests.labelValues(Integer.toString(status)).inc();
    if (!poll) {
      latency.observe(seconds);
    }
    if (status == 201 && route.equals("create")) {
      sessionsCreated.inc();
    } else if (status == 202 && route.equals("join")) {
      joinsCreated.inc();
    }
  }

  void rejected(String reason) {
    rejections.labelValues(reason).inc();
  }

  /** The Prometheus text format (version 0.0.4). */
  byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  String contentType() {
    return writer.getContentType();
  }
}

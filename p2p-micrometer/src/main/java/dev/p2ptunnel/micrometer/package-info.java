/** The Micrometer binder of p2p-tunnel: {@link dev.p2ptunnel.micrometer.TunnelMetrics}. */
@NullMarked
package dev.p2ptunnel.micrometer;

import org.jspecify.annotations.NullMarked;

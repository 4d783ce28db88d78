/**
 * The bridge API: {@link dev.p2ptunnel.bridge.MessageChannel} (the transport a bridge runs over),
 * {@link dev.p2ptunnel.bridge.InMemoryChannel} (a pair for tests), {@link dev.p2ptunnel.bridge.ClientBridge} and
 * {@link dev.p2ptunnel.bridge.HostBridge} (the two roles), their {@link dev.p2ptunnel.bridge.BridgeConfig},
 * {@link dev.p2ptunnel.bridge.BridgeListener} and {@link dev.p2ptunnel.bridge.BridgeStats}.
 */
@NullMarked
package dev.p2ptunnel.bridge;

import org.jspecify.annotations.NullMarked;

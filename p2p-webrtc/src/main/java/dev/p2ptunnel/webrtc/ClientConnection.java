package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeStats;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One client of a {@link HostTunnel}: its own WebRTC session and bridge to the host's target, with a lifecycle of
 * its own. When its connection is lost the host keeps its bridge (every connection) for the grace period, and a rejoin
 * of the same identity carries on with it: the same {@code ClientConnection}. Thread-safe. Implemented by the library
 * only.
 */
public interface ClientConnection {
  /** The name the client gave when joining (not authenticated). */
  String clientName();

  /** The short authentication code both sides showed, or null when the client has no pairing extension. */
  @Nullable String shortAuthString();

  /** The client's address as signaling saw it, or null when unknown. */
  @Nullable String clientAddress();

  /** The client's DTLS identity ({@code sha-256 AB:…}). */
  String clientFingerprint();

  /** Whether it joined without asking, as a trusted identity. */
  boolean trusted();

  /** CONNECTING until its DataChannel opens, then OPEN (RECONNECTING while its connection is lost), then CLOSED. */
  TunnelHandle.State state();

  /** Since when it is {@link TunnelHandle.State#RECONNECTING}, or null. */
  java.time.@Nullable Instant reconnectingSince();

  /** Its bridge's counters, or null before it opened. */
  @Nullable BridgeStats stats();

  /** Its UDP flows now (one per source address of its applications); empty when none. */
  java.util.List<BridgeStats.FlowStats> flowStats();

  /** Direct or relayed; fails if not open. */
  CompletableFuture<PathType> path();

  /** Completes with the reason once this client's session and bridge are closed. */
  CompletableFuture<String> closed();

  /** Disconnects this client only. */
  void close();
}

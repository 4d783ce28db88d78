/**
 * The WebRTC transport API: {@link dev.p2ptunnel.webrtc.WebRtcSession} (one peer connection and its DataChannel),
 * {@link dev.p2ptunnel.webrtc.WebRtcConfig}, {@link dev.p2ptunnel.webrtc.SessionDescription}, the
 * {@link dev.p2ptunnel.webrtc.Signaling} exchange and {@link dev.p2ptunnel.webrtc.OfflineToken}, and
 * {@link dev.p2ptunnel.webrtc.SessionPlugin}s such as {@link dev.p2ptunnel.webrtc.TrafficMonitor} and
 * {@link dev.p2ptunnel.webrtc.StateLogger}.
 */
@NullMarked
package dev.p2ptunnel.webrtc;

import org.jspecify.annotations.NullMarked;

/**
 * The tunnel API ({@link dev.p2ptunnel.webrtc.Tunnel}), the join exchange that every signaling transport carries
 * ({@link dev.p2ptunnel.webrtc.JoinOffer}, {@link dev.p2ptunnel.webrtc.JoinChallenge},
 * {@link dev.p2ptunnel.webrtc.JoinReveal}, {@link dev.p2ptunnel.webrtc.JoinAnswer}), the short authentication code
 * ({@link dev.p2ptunnel.webrtc.ShortAuthString}), the persistent {@link dev.p2ptunnel.webrtc.Identity} and the
 * {@link dev.p2ptunnel.webrtc.TrustStore}; and the WebRTC transport: {@link dev.p2ptunnel.webrtc.WebRtcSession} (one
 * peer connection and its DataChannel),
 * {@link dev.p2ptunnel.webrtc.WebRtcConfig}, {@link dev.p2ptunnel.webrtc.SessionDescription}, the
 * {@link dev.p2ptunnel.webrtc.Signaling} exchange and {@link dev.p2ptunnel.webrtc.OfflineToken}, and
 * {@link dev.p2ptunnel.webrtc.SessionPlugin}s such as {@link dev.p2ptunnel.webrtc.TrafficMonitor} and
 * {@link dev.p2ptunnel.webrtc.StateLogger}.
 */
@NullMarked
package dev.p2ptunnel.webrtc;

import org.jspecify.annotations.NullMarked;

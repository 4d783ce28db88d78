/**
 * The HTTP signaling server: {@link dev.p2ptunnel.signaling.SignalingServer} and its
 * {@link dev.p2ptunnel.signaling.SignalingConfig}. Its clients are in {@code dev.p2ptunnel.webrtc.signaling}; what
 * both share on the wire is in {@code dev.p2ptunnel.signaling.api}. The protocol is documented in
 * {@code docs/SIGNALING.md}.
 */
@NullMarked
package dev.p2ptunnel.signaling;

import org.jspecify.annotations.NullMarked;

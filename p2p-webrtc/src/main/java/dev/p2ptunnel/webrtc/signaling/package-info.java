/**
 * Self-hostable HTTP signaling: {@link dev.p2ptunnel.webrtc.signaling.SignalingServer} (HTTP + JSON, long-polling)
 * and its clients {@link dev.p2ptunnel.webrtc.signaling.HttpHostSignaling} (host side) and
 * {@link dev.p2ptunnel.webrtc.signaling.HttpSignaling} (client side). The protocol is documented in
 * {@code docs/SIGNALING.md}.
 */
@NullMarked
package dev.p2ptunnel.webrtc.signaling;

import org.jspecify.annotations.NullMarked;

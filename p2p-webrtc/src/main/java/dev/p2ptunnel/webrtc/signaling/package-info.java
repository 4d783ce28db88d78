/**
 * The clients of HTTP signaling: {@link dev.p2ptunnel.webrtc.signaling.HttpHostSignaling} (host side) and
 * {@link dev.p2ptunnel.webrtc.signaling.HttpSignaling} (client side). The server is the module
 * {@code dev.p2ptunnel.signaling} (artifact {@code p2p-signaling}); what both share on the wire is in
 * {@code dev.p2ptunnel.signaling.api}. The protocol is documented in {@code docs/SIGNALING.md}.
 */
@NullMarked
package dev.p2ptunnel.webrtc.signaling;

import org.jspecify.annotations.NullMarked;

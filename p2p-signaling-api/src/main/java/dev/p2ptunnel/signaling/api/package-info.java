/**
 * The wire vocabulary of HTTP signaling (docs/SIGNALING.md): {@link dev.p2ptunnel.signaling.api.SessionIds},
 * {@link dev.p2ptunnel.signaling.api.ErrorCode}, {@link dev.p2ptunnel.signaling.api.JoinStatus},
 * {@link dev.p2ptunnel.signaling.api.WireLimits} and {@link dev.p2ptunnel.signaling.api.JsonBodies}.
 */
@NullMarked
package dev.p2ptunnel.signaling.api;

import org.jspecify.annotations.NullMarked;

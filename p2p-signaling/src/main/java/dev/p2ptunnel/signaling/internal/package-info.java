/** The server's implementation: HTTP front, guards, polls, stores, metrics. Not exported. */
@NullMarked
package dev.p2ptunnel.signaling.internal;

import org.jspecify.annotations.NullMarked;

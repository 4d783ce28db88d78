/** The bridge's engine: one selector loop that owns every socket and all protocol state. Not API. */
@NullMarked
package dev.p2ptunnel.bridge.internal;

import org.jspecify.annotations.NullMarked;

/**
 * Where p2p-tunnel keeps its files per operating system: one place for the library (the identity, libwebrtc's cached
 * copy) and the demo app (its class archives). Not exported, except to the demo app.
 */
@NullMarked
package dev.p2ptunnel.webrtc.internal.dirs;

import org.jspecify.annotations.NullMarked;

/**
 * Where p2p-tunnel keeps its files per operating system: one place for the library (the identity, libwebrtc's cached
 * copy) and the demo app (its class archives); how files there are made private to the user on every file system
 * ({@link dev.p2ptunnel.webrtc.internal.dirs.PrivateFiles}) and how a rename Windows refuses while another program
 * holds the file is retried ({@link dev.p2ptunnel.webrtc.internal.dirs.InUseRetry}). Not exported, except to the demo
 * app.
 */
@NullMarked
package dev.p2ptunnel.webrtc.internal.dirs;

import org.jspecify.annotations.NullMarked;

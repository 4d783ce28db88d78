/**
 * The command-line app: {@link dev.p2ptunnel.demo.Main} parses the command line with picocli and runs one of the
 * commands over {@code dev.p2ptunnel.webrtc.Tunnel}.
 */
@NullMarked
package dev.p2ptunnel.demo;

import org.jspecify.annotations.NullMarked;

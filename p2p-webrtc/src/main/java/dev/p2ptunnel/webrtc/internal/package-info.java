/** The webrtc-java 0.14.0 adapter behind the API package; not exported. */
@NullMarked
package dev.p2ptunnel.webrtc.internal;

import org.jspecify.annotations.NullMarked;

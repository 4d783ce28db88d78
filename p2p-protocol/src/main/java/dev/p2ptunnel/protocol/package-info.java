/**
 * The wire protocol shared with the original app: {@link dev.p2ptunnel.protocol.Frame} (the byte layout),
 * {@link dev.p2ptunnel.protocol.Chunker} (message to frames), {@link dev.p2ptunnel.protocol.Reassembler}
 * (frames to messages) and {@link dev.p2ptunnel.protocol.IdAllocator} (live-safe Uint16 ids).
 */
@NullMarked
package dev.p2ptunnel.protocol;

import org.jspecify.annotations.NullMarked;

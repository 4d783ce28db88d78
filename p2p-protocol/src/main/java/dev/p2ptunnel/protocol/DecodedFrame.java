package dev.p2ptunnel.protocol;

import java.nio.ByteBuffer;

/**
 * One validated frame, as {@link Frame#decode} returns it. Meant for tools, tests and cold paths; the hot path
 * reads the header in place with {@link Frame}'s static readers and allocates nothing.
 *
 * @param event the event byte, possibly one this version does not know ({@link Frame#isSeedEvent})
 * @param socketId the logical socket
 * @param chunkId the message this frame belongs to, per socket and sender
 * @param chunkIndex position of this frame in its message, {@code < totalChunks}
 * @param totalChunks number of frames of the message, {@code >= 1}
 * @param payload a slice of the decoded buffer: valid as long as that buffer's contents are
 */
public record DecodedFrame(
    int event, int socketId, int chunkId, int chunkIndex, int totalChunks, ByteBuffer payload) {}

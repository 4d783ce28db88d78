package dev.p2ptunnel.bridge;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A reliable, ordered, message-oriented pipe between two peers: what a WebRTC DataChannel is, and what a bridge
 * runs over. Implementations are thread-safe.
 *
 * <p>Back-pressure is a signal, never an exception: {@link #send} always accepts a message while the channel is
 * open, {@link #isWritable()} turns false when the send queue passes the high watermark, and
 * {@link Listener#onWritable()} follows once it has drained below the low watermark. A sender that ignores the
 * signal may make the channel close itself (as libwebrtc does past 16 MiB).
 */
public interface MessageChannel {
  /**
   * Longest message every channel carries: one protocol frame. A channel may carry longer ones
   * ({@link #maxMessageLength()}), which coalesced messages use.
   */
  int MAX_MESSAGE_LENGTH = 65_536;

  /**
   * Registers the listener and starts delivering to it; messages that arrived earlier are delivered first. Called
   * once.
   *
   * @throws IllegalStateException if a listener was already registered
   */
  void start(Listener listener);

  /**
   * Queues one message: the buffer's remaining bytes, which are copied (or sent) before this returns, so the
   * caller may reuse the buffer at once; its position is not moved. Never blocks.
   *
   * @return false when the channel is closed and the message was dropped
   * @throws IllegalArgumentException if the message is longer than {@link #maxMessageLength()}
   */
  boolean send(ByteBuffer message);

  /**
   * The longest message {@link #send} takes now, at least {@link #MAX_MESSAGE_LENGTH}: for a WebRTC DataChannel, the
   * peer's negotiated {@code max-message-size} (libwebrtc closes a channel on a longer message). Any thread.
   */
  default int maxMessageLength() {
    return MAX_MESSAGE_LENGTH;
  }

  /**
   * The message's length (its remaining bytes), checked against {@link #MAX_MESSAGE_LENGTH}: the check every
   * {@link #send} implementation starts with.
   *
   * @throws IllegalArgumentException if the message is longer
   */
  static int checkedLength(ByteBuffer message) {
    return checkedLength(message, MAX_MESSAGE_LENGTH);
  }

  /**
   * The message's length (its remaining bytes), checked against {@code maxLength}: the check of a channel whose
   * {@link #maxMessageLength()} is {@code maxLength}.
   *
   * @throws IllegalArgumentException if the message is longer
   */
  static int checkedLength(ByteBuffer message, int maxLength) {
    int length = message.remaining();
    if (length > maxLength) {
      throw new IllegalArgumentException("message length: " + length + " (expected: <= " + maxLength + ")");
    }
    return length;
  }

  /** Whether the send queue is below the high watermark. */
  boolean isWritable();

  /** Bytes queued for sending and not yet on their way. */
  long bufferedAmount();

  /** Whether the channel is open (not yet closed by either side). */
  boolean isOpen();

  /**
   * Whether this channel can open a {@link DatagramTransport} beside it (for UDP services). A bridge announces
   * datagrams to its peer only then. False unless overridden.
   */
  default boolean supportsDatagrams() {
    return false;
  }

  /**
   * Opens the datagram transport beside this channel; the bridge calls it once, when both sides announced datagrams,
   * and both sides call it (for a DataChannel: each creates the same negotiated channel). Never blocks: the stage
   * completes, on any thread, once the transport can carry messages, or fails if it cannot be opened.
   */
  default CompletionStage<DatagramTransport> openDatagrams() {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(
        "datagrams: not supported by " + getClass().getSimpleName() + " (expected: supportsDatagrams() checked)"));
  }

  /**
   * Closes the channel; the listener's {@link Listener#onClosed} follows once, on the channel's thread. Idempotent.
   *
   * @param reason said to the local listener (and, where the transport can carry it, to the peer)
   */
  void close(String reason);

  /**
   * Receives what happens on a channel. Calls come from the channel's delivery thread (for a DataChannel: the
   * native signaling thread), one at a time, never concurrently with each other; {@link #onWritable()} may come
   * from another thread. No call may block: a listener only takes note and hands work to its own thread. The one
   * exception is a bridge configured with {@link BridgeConfig.InboundOverflow#BLOCK}, whose {@link #onMessage} waits
   * while its inbound queue is full: that setting is for channels whose delivery thread is their own.
   */
  interface Listener {
    /**
     * The next message, in order. The buffer (its remaining bytes) is the listener's to keep: the channel never
     * touches it again.
     */
    void onMessage(ByteBuffer message);

    /** The send queue drained below the low watermark after {@link MessageChannel#isWritable()} was false. */
    void onWritable();

    /** The channel closed, locally, by the peer or by failure; called once, and no message follows it. */
    void onClosed(String reason);

    /**
     * A fact about the transport below the channel: whether it confirms now that the peer is reachable (for a WebRTC
     * DataChannel: the peer connection is CONNECTED, so ICE keeps hearing from the peer), or no longer does. A channel
     * that can tell calls it once its listener is registered (with the state then) and on every change; a channel
     * that cannot never calls it, and the listener takes the path as unconfirmed. What follows from it is the
     * listener's business (a bridge's keepalive does not count silence as loss while the path is confirmed, within
     * bounds: docs/PROTOCOL.md, "Keepalive"). Same thread rules as the other calls. Does nothing unless overridden.
     */
    default void onPathChanged(boolean confirmed) {
    }
  }
}

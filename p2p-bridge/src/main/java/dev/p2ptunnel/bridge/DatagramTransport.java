package dev.p2ptunnel.bridge;

import java.nio.ByteBuffer;

/**
 * An unordered, unreliable, message-oriented pipe between two peers, beside a {@link MessageChannel}: what carries UDP
 * datagrams (for WebRTC, a second DataChannel with {@code ordered=false, maxRetransmits=0}). Messages may be lost or
 * reordered, never cut or merged. Obtained with {@link MessageChannel#openDatagrams()}. Implementations are
 * thread-safe.
 */
public interface DatagramTransport {
  /**
   * The longest message this transport carries whole, without splitting it into parts that are lost together (for a
   * DataChannel: what fits one SCTP packet). Longer messages are not sent.
   */
  int maxMessageLength();

  /**
   * Registers the listener and starts delivering to it. Called once.
   *
   * @throws IllegalStateException if a listener was already registered
   */
  void start(Listener listener);

  /**
   * Sends one message (its remaining bytes, copied before this returns; the position does not move), or drops it:
   * when it is longer than {@link #maxMessageLength()}, when the transport's queue is full (nothing waits unbounded)
   * or when it is closed. Never blocks on the network.
   *
   * @return whether it was sent
   */
  boolean send(ByteBuffer message);

  /** Closes the transport; the listener's {@link Listener#onClosed} follows. Idempotent. */
  void close(String reason);

  /**
   * What arrives. Calls come from the transport's delivery thread, one at a time; none may block.
   */
  interface Listener {
    /** The next message to arrive; the buffer is the listener's to keep. */
    void onMessage(ByteBuffer message);

    /** The transport closed; no message follows. */
    void onClosed(String reason);
  }
}

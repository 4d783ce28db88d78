package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A webrtc-java 0.14.0 DataChannel as a {@link MessageChannel}. Thread-safe.
 *
 * <p>Sending: every message goes to libwebrtc as an exact-size buffer (0.14.0 ignores position and limit). The
 * queue size is tracked as an estimate (last {@code getBufferedAmount()} plus bytes sent since), refreshed from
 * libwebrtc whenever it reaches the high watermark. Since {@code onBufferedAmountChange} never fires in 0.14.0, the
 * session thread polls {@code getBufferedAmount()} every millisecond, only while the queue is above the high
 * watermark, and calls {@link Listener#onWritable()} (on the session thread) once it is at or below the low one. The
 * watermarks follow the path's drain rate, measured by those polls ({@link QueueTarget}: about 3 ms of queue, at most
 * the configured ones), so that a small message never waits behind more than the path needs to stay busy. A
 * send that would take the queue past {@link WebRtcConfig#sendLimitBytes()} closes the session instead, so
 * libwebrtc's silent close at 16 MiB cannot happen.
 *
 * <p>While the connection's path is down (ICE disconnected or failed: {@link #connectionState}), the channel is not
 * writable either, so that nothing more than the bridge's small control messages queues up in a channel that cannot
 * send; {@link Listener#onWritable()} follows when the path is back. While the connection is CONNECTED the listener
 * hears that the path is confirmed ({@link Listener#onPathChanged}: ICE keeps hearing from the peer), a fact its
 * keepalive uses at heavy loss.
 *
 * <p>Longest message: the peer's {@code a=max-message-size} (RFC 8841; 65 536 when its description has none), learnt
 * when the remote description is applied: libwebrtc closes the channel silently on a longer one, so {@link #send}
 * refuses it first.
 *
 * <p>Receiving: each message is copied into a heap buffer before the native callback returns and handed to the
 * listener on libwebrtc's signaling thread; messages that arrive before {@link #start} wait in a bounded queue.
 *
 * <p>Locks: {@code sendLock} guards the native channel against use after disposal and the queue estimate;
 * {@code deliveryLock} serialises listener calls. Neither is held while taking the other.
 */
final class DataChannelMessageChannel implements MessageChannel, RTCDataChannelObserver {
  private static final long POLL_INTERVAL_NS = 1_000_000;
  /** What a description without {@code a=max-message-size} allows (RFC 8841, section 6). */
  static final int DEFAULT_MAX_MESSAGE_SIZE = 65_536;
  /** Our cap on what a peer may allow, also for "0" (any size): libwebrtc's own receive limit. */
  static final int MAX_MESSAGE_SIZE_CAP = 256 * 1024;
  private static final String MAX_MESSAGE_SIZE_ATTRIBUTE = "a=max-message-size:";

  private final RTCDataChannel dc;
  private final PeerSession session;
  private final QueueTarget target; // guarded by sendLock
  private final long sendLimit;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile int maxMessage = DEFAULT_MAX_MESSAGE_SIZE;

  private final Object sendLock = new Object();
  private volatile boolean sendClosed; // written under sendLock
  private volatile boolean closing; // set when the session starts closing, without any lock
  private volatile long queuedEstimate; // written under sendLock
  private volatile boolean unwritable; // written under sendLock
  private volatile boolean pathDown; // written on the signaling thread
  private boolean pathConfirmed; // guarded by deliveryLock: the connection is CONNECTED (told to the listener)

  private final Object deliveryLock = new Object();
  private @Nullable Listener listener; // guarded by deliveryLock
  private final ArrayDeque<ByteBuffer> early = new ArrayDeque<>(); // guarded by deliveryLock
  private long earlyBytes; // guarded by deliveryLock
  private boolean closedDelivered; // guarded by deliveryLock
  private @Nullable String closeReason; // guarded by deliveryLock

  DataChannelMessageChannel(RTCDataChannel dc, PeerSession session, WebRtcConfig config) {
    this.dc = dc;
    this.session = session;
    this.target = new QueueTarget(config.highWatermarkBytes(), config.lowWatermarkBytes());
    this.sendLimit = config.sendLimitBytes();
  }

  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("listener already registered on " + session.name());
    }
    synchronized (deliveryLock) {
      for (ByteBuffer message; (message = early.poll()) != null; ) {
        if (!callOnMessage(listener, message)) {
          break;
        }
      }
      earlyBytes = 0;
      early.clear();
      this.listener = listener;
      if (pathConfirmed && !closedDelivered) {
        callOnPathChanged(listener, true);
      }
      if (closedDelivered) {
        callOnClosed(listener, Objects.requireNonNull(closeReason));
      }
    }
  }

  /** The peer's description is applied: from now on messages may be as long as it says. Session thread. */
  void remoteDescription(String sdp) {
    maxMessage = maxMessageSize(sdp);
  }

  /**
   * The longest message a peer with this description takes: its {@code a=max-message-size}, 65 536 without one, at
   * most {@value #MAX_MESSAGE_SIZE_CAP} (also for 0, "any size"), at least one frame (65 536).
   */
  static int maxMessageSize(String sdp) {
    int at = sdp.indexOf(MAX_MESSAGE_SIZE_ATTRIBUTE);
    if (at < 0) {
      return DEFAULT_MAX_MESSAGE_SIZE;
    }
    int start = at + MAX_MESSAGE_SIZE_ATTRIBUTE.length();
    int end = start;
    while (end < sdp.length() && end - start < 12 && Character.isDigit(sdp.charAt(end))) {
      end++;
    }
    if (end == start) {
      return DEFAULT_MAX_MESSAGE_SIZE;
    }
    long size = Long.parseLong(sdp.substring(start, end));
    long allowed = size == 0 ? MAX_MESSAGE_SIZE_CAP : Math.min(size, MAX_MESSAGE_SIZE_CAP);
    return (int) Math.max(MAX_MESSAGE_LENGTH, allowed);
  }

  @Override
  public int maxMessageLength() {
    return maxMessage;
  }

  @Override
  public boolean send(ByteBuffer message) {
    int length = MessageChannel.checkedLength(message, maxMessage);
    if (closing) {
      return false;
    }
    ByteBuffer exact = exactSize(message, length);
    String failure = null;
    synchronized (sendLock) {
      if (sendClosed) {
        return false;
      }
      try {
        long projected = queuedEstimate + length;
        if (projected > sendLimit) {
          projected = dc.getBufferedAmount() + length;
        }
        if (projected > sendLimit) {
          failure = "send queue limit: " + projected + " bytes would be queued > limit " + sendLimit
              + " (the sender ignored isWritable())";
        } else {
          dc.send(new RTCDataChannelBuffer(exact, true));
          queuedEstimate = projected;
          target.sent(length);
          if (projected >= target.high()) {
            long actual = dc.getBufferedAmount();
            queuedEstimate = actual;
            if (actual >= target.high() && !unwritable) {
              unwritable = true;
              target.sample(actual, System.nanoTime());
              session.schedule(this::pollBufferedAmount, POLL_INTERVAL_NS);
            }
          }
        }
      } catch (Exception e) {
        failure = "send failed: " + e;
      }
    }
    if (failure != null) {
      session.closeAsync(failure);
      return false;
    }
    session.messageSent(length);
    return true;
  }

  /**
   * A buffer whose whole extent is the message: a direct slice (its own address and capacity), a heap buffer that
   * is exactly its backing array, or else a fresh copy. Leaves {@code message} untouched.
   */
  private static ByteBuffer exactSize(ByteBuffer message, int length) {
    if (message.isDirect()) {
      return message.slice();
    }
    if (message.hasArray() && message.arrayOffset() == 0 && message.position() == 0
        && message.array().length == length) {
      return message.duplicate();
    }
    byte[] copy = new byte[length];
    message.get(message.position(), copy);
    return ByteBuffer.wrap(copy);
  }

  /** Session thread, only while unwritable: refreshes the queue size and signals writability at the low mark. */
  private void pollBufferedAmount() {
    boolean writable;
    synchronized (sendLock) {
      if (sendClosed) {
        return;
      }
      long actual = dc.getBufferedAmount();
      queuedEstimate = actual;
      target.sample(actual, System.nanoTime());
      writable = actual <= target.low();
      if (writable) {
        unwritable = false;
        target.resume();
      }
    }
    if (!writable) {
      session.schedule(this::pollBufferedAmount, POLL_INTERVAL_NS);
      return;
    }
    signalWritable();
  }

  @Override
  public boolean isWritable() {
    return !unwritable && !closing && !pathDown;
  }

  /**
   * Signaling thread: the peer connection's state. The path is confirmed (told to the listener,
   * {@link Listener#onPathChanged}) only while CONNECTED: ICE hears from the peer (libwebrtc leaves CONNECTED when
   * nothing arrived for a few seconds). It is writable also while NEW or CONNECTING.
   */
  void connectionState(RTCPeerConnectionState state) {
    pathUp(state == RTCPeerConnectionState.CONNECTED || state == RTCPeerConnectionState.NEW
        || state == RTCPeerConnectionState.CONNECTING);
    boolean confirmed = state == RTCPeerConnectionState.CONNECTED;
    synchronized (deliveryLock) {
      if (confirmed == pathConfirmed) {
        return;
      }
      pathConfirmed = confirmed;
      Listener current = listener;
      if (current != null && !closedDelivered) {
        callOnPathChanged(current, confirmed);
      }
    }
  }

  /** Signaling thread: whether the connection's path carries (CONNECTED), else not writable until it does again. */
  private void pathUp(boolean up) {
    boolean wasDown = pathDown;
    pathDown = !up;
    if (up && wasDown && !unwritable) {
      session.onSessionThread(this::signalWritable);
    }
  }

  /** Session thread: tells the listener that it may send again. */
  private void signalWritable() {
    Listener current;
    synchronized (deliveryLock) {
      current = listener;
    }
    if (current != null && isWritable()) {
      try {
        current.onWritable();
      } catch (Throwable t) {
        session.closeAsync("listener failed in onWritable: " + t);
      }
    }
  }

  /** The estimate: libwebrtc's queue size at the last query plus what was sent since (an upper bound). */
  @Override
  public long bufferedAmount() {
    return queuedEstimate;
  }

  @Override
  public boolean isOpen() {
    return !closing;
  }

  /** The session can open the datagram channel beside this one. */
  @Override
  public boolean supportsDatagrams() {
    return true;
  }

  @Override
  public java.util.concurrent.CompletionStage<dev.p2ptunnel.bridge.DatagramTransport> openDatagrams() {
    return session.openDatagrams();
  }

  @Override
  public void close(String reason) {
    session.close(reason);
  }

  // ---- libwebrtc callbacks: signaling thread; every body catches Throwable (an escape aborts the JVM) ----

  @Override
  public void onBufferedAmountChange(long previousAmount) {
    // Never called by webrtc-java 0.14.0 (upstream #143); pollBufferedAmount() stands in.
  }

  @Override
  public void onStateChange() {
    try {
      session.noteCallbackThread();
      RTCDataChannelState state = dc.getState();
      if (state == RTCDataChannelState.OPEN) {
        session.channelOpened();
      } else if (state == RTCDataChannelState.CLOSING || state == RTCDataChannelState.CLOSED) {
        session.closeAsync("data channel closed by the peer (or by libwebrtc)");
      }
    } catch (Throwable t) {
      session.callbackFailed("onStateChange", t);
    }
  }

  @Override
  public void onMessage(RTCDataChannelBuffer buffer) {
    try {
      session.noteCallbackThread();
      ByteBuffer data = buffer.data; // native memory, freed when this returns
      int length = data.remaining();
      ByteBuffer copy = ByteBuffer.allocate(length);
      copy.put(data).flip();
      session.messageReceived(length);
      deliver(copy);
    } catch (Throwable t) {
      session.callbackFailed("onMessage", t);
    }
  }

  private void deliver(ByteBuffer message) {
    String overflow = null;
    synchronized (deliveryLock) {
      if (closedDelivered) {
        return;
      }
      Listener current = listener;
      if (current != null) {
        callOnMessage(current, message);
        return;
      }
      early.add(message);
      earlyBytes += message.remaining();
      if (earlyBytes > sendLimit) {
        overflow = "receive queue limit: " + earlyBytes + " bytes arrived before start() > limit " + sendLimit;
      }
    }
    if (overflow != null) {
      session.closeAsync(overflow);
    }
  }

  private boolean callOnMessage(Listener current, ByteBuffer message) {
    try {
      current.onMessage(message);
      return true;
    } catch (Throwable t) {
      session.closeAsync("listener failed in onMessage: " + t);
      return false;
    }
  }

  private void callOnPathChanged(Listener current, boolean confirmed) {
    try {
      current.onPathChanged(confirmed);
    } catch (Throwable t) {
      session.closeAsync("listener failed in onPathChanged: " + t);
    }
  }

  private void callOnClosed(Listener current, String reason) {
    try {
      current.onClosed(reason);
    } catch (Throwable t) {
      PeerSession.LOG.log(System.Logger.Level.WARNING, session.name() + ": listener failed in onClosed", t);
    }
  }

  /** Any thread, never blocks: from now on the channel reports closed and refuses sends. */
  void markClosing() {
    closing = true;
  }

  /**
   * Session thread, first step of the teardown: no send reaches the native channel after this returns, and the
   * listener gets {@code onClosed} once (now, or on {@link #start} if it comes later).
   */
  void shutdown(String reason) {
    closing = true;
    synchronized (sendLock) {
      sendClosed = true;
    }
    synchronized (deliveryLock) {
      if (closedDelivered) {
        return;
      }
      closedDelivered = true;
      closeReason = reason;
      early.clear();
      Listener current = listener;
      if (current != null) {
        callOnClosed(current, reason);
      }
    }
  }
}

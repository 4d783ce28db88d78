package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The open DataChannel during and after in-channel pairing: it takes the channel's messages at once, hands pairing
 * frames ({@link PairFrames}) to the setup thread ({@link #awaitPair}), and keeps any other message for the bridge,
 * which starts on this wrapper once pairing is done. Holding back more than {@link #MAX_HELD_BYTES} closes the
 * channel. Thread-safe: the channel's delivery thread and the setup thread meet under {@code lock}.
 */
final class PairingChannel implements MessageChannel, MessageChannel.Listener {
  static final long MAX_HELD_BYTES = 4L << 20;
  private static final Object CLOSED = new Object();

  private final MessageChannel raw;
  private final LinkedBlockingQueue<Object> pairs = new LinkedBlockingQueue<>();
  private final Object lock = new Object();
  private @Nullable Listener listener; // guarded by lock
  private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>(); // guarded by lock
  private long heldBytes; // guarded by lock
  private @Nullable String closedReason; // guarded by lock
  private boolean pathConfirmed; // guarded by lock: the raw channel's last word, told to the bridge when it starts
  private volatile boolean paired;
  private final String who;
  private boolean firstSeen; // the raw channel's thread

  /** {@code who} names the session in the setup trace ({@link SetupTrace}). */
  PairingChannel(MessageChannel raw, String who) {
    this.raw = raw;
    this.who = who;
    raw.start(this);
  }

  /** Sends one pairing frame. */
  void sendPair(ByteBuffer frame) {
    if (!raw.send(frame)) {
      throw new WebRtcException("the channel closed during pairing");
    }
  }

  /** Sends one pairing frame if the channel is still open. */
  void sendPairQuietly(ByteBuffer frame) {
    raw.send(frame);
  }

  /**
   * The peer's next pairing message, waiting at most {@code timeout} (null: until the channel closes).
   *
   * @throws WebRtcException if the channel closes first, the wait ends, or the peer sent something malformed
   */
  PairFrames.Message awaitPair(@Nullable Duration timeout, String what) throws InterruptedException {
    Object next = timeout == null ? pairs.take() : pairs.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (next == null) {
      throw new WebRtcException("the peer did not send its " + what + " over the channel within " + timeout);
    }
    if (next == CLOSED) {
      pairs.add(CLOSED);
      String reason;
      synchronized (lock) {
        reason = Objects.requireNonNullElse(closedReason, "closed");
      }
      throw new WebRtcException("the channel closed while waiting for the peer's " + what + ": " + reason);
    }
    return PairFrames.decode((ByteBuffer) next);
  }

  /** Pairing is over: later pairing frames go to the bridge like any message (it ignores unknown events). */
  void paired() {
    paired = true;
  }

  // ------------------------------------------------------------------------ from the raw channel (its thread)

  @Override
  public void onMessage(ByteBuffer message) {
    if (!paired && PairFrames.isPair(message)) {
      pairs.add(message);
      return;
    }
    if (!firstSeen) {
      firstSeen = true;
      SetupTrace.step(who, "first message after pairing,", message.remaining() + " bytes");
    }
    String overflow = null;
    synchronized (lock) {
      Listener current = listener;
      if (current != null) {
        current.onMessage(message);
        return;
      }
      held.add(message);
      heldBytes += message.remaining();
      if (heldBytes > MAX_HELD_BYTES) {
        overflow = "the peer sent " + heldBytes + " bytes before pairing finished > limit " + MAX_HELD_BYTES;
      }
    }
    if (overflow != null) {
      raw.close(overflow);
    }
  }

  @Override
  public void onWritable() {
    Listener current;
    synchronized (lock) {
      current = listener;
    }
    if (current != null) {
      current.onWritable();
    }
  }

  @Override
  public void onClosed(String reason) {
    Listener current;
    synchronized (lock) {
      closedReason = reason;
      current = listener;
    }
    pairs.add(CLOSED);
    if (current != null) {
      current.onClosed(reason);
    }
  }

  @Override
  public void onPathChanged(boolean confirmed) {
    Listener current;
    synchronized (lock) {
      pathConfirmed = confirmed;
      current = listener;
    }
    if (current != null) {
      current.onPathChanged(confirmed);
    }
  }

  // ------------------------------------------------------------------------------------ to the bridge

  @Override
  public void start(Listener bridge) {
    Objects.requireNonNull(bridge, "listener");
    synchronized (lock) {
      if (listener != null) {
        throw new IllegalStateException("listener already registered");
      }
      for (ByteBuffer message; (message = held.poll()) != null; ) {
        bridge.onMessage(message);
      }
      heldBytes = 0;
      listener = bridge;
      if (pathConfirmed) {
        bridge.onPathChanged(true);
      }
      if (closedReason != null) {
        bridge.onClosed(closedReason);
      }
    }
  }

  @Override
  public boolean send(ByteBuffer message) {
    return raw.send(message);
  }

  /** The peer's limit, as the channel under this one has it: the bridge coalesces messages up to it. */
  @Override
  public int maxMessageLength() {
    return raw.maxMessageLength();
  }

  @Override
  public boolean isWritable() {
    return raw.isWritable();
  }

  @Override
  public long bufferedAmount() {
    return raw.bufferedAmount();
  }

  @Override
  public boolean supportsDatagrams() {
    return raw.supportsDatagrams();
  }

  @Override
  public java.util.concurrent.CompletionStage<dev.p2ptunnel.bridge.DatagramTransport> openDatagrams() {
    return raw.openDatagrams();
  }

  @Override
  public boolean isOpen() {
    return raw.isOpen();
  }

  @Override
  public void close(String reason) {
    raw.close(reason);
  }
}

package dev.p2ptunnel.bridge;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One end's datagram transport of an {@link InMemoryChannel} pair: a datagram goes straight to the other end's
 * listener, on the sender's thread, copied; dropped (still "sent") when that end has no listener yet or has closed
 * its transport, refused when longer than {@link InMemoryChannel#DATAGRAM_MAX_LENGTH} or when this end is closed.
 * Thread-safe.
 */
final class InMemoryDatagrams implements DatagramTransport {
  private final String name;
  /** Whether this end's channel is closed. */
  private final BooleanSupplier channelClosed;
  private final AtomicBoolean closedDatagrams = new AtomicBoolean();
  private volatile DatagramTransport.@Nullable Listener receiver;
  private @Nullable InMemoryDatagrams other; // set once, when the pair is made

  InMemoryDatagrams(String name, BooleanSupplier channelClosed) {
    this.name = name;
    this.channelClosed = channelClosed;
  }

  /** Links two ends; once, before either is used. */
  static void link(InMemoryDatagrams a, InMemoryDatagrams b) {
    a.other = b;
    b.other = a;
  }

  @Override
  public int maxMessageLength() {
    return InMemoryChannel.DATAGRAM_MAX_LENGTH;
  }

  @Override
  public void start(DatagramTransport.Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (receiver != null) {
      throw new IllegalStateException("datagram listener already registered on " + name);
    }
    receiver = listener;
  }

  @Override
  public boolean send(ByteBuffer message) {
    int length = message.remaining();
    if (length > InMemoryChannel.DATAGRAM_MAX_LENGTH || closedDatagrams.get() || channelClosed.getAsBoolean()) {
      return false;
    }
    InMemoryDatagrams peer = Objects.requireNonNull(other);
    DatagramTransport.Listener target = peer.receiver;
    if (target != null && !peer.closedDatagrams.get()) {
      ByteBuffer copy = ByteBuffer.allocate(length);
      copy.put(0, message, message.position(), length);
      target.onMessage(copy);
    }
    return true;
  }

  @Override
  public void close(String reason) {
    if (closedDatagrams.compareAndSet(false, true)) {
      DatagramTransport.Listener l = receiver;
      if (l != null) {
        l.onClosed(reason);
      }
    }
  }
}

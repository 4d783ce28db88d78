package dev.p2ptunnel.benchmarks;

import dev.p2ptunnel.bridge.MessageChannel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MessageChannel} over one TCP connection, so that the two bridges of a tunnel can run in different JVMs.
 * A benchmark tool, not product API. Thread-safe.
 *
 * <p>Wire format, per message, nothing else on the connection:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    length (u32, big-endian)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 payload (length bytes, <= 65536)            ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Two threads per channel: a reader ({@code socket-channel-N-reader}), started by {@link #start}, delivers every
 * listener call except {@code onWritable}; a writer ({@code socket-channel-N-writer}), started at construction,
 * drains the outbound queue to the socket and calls {@code onWritable}. {@link #send} copies the message into that
 * queue; past {@link #HIGH_WATERMARK_BYTES} the channel is not writable, at or below {@link #LOW_WATERMARK_BYTES} it
 * is again, past {@link #SEND_QUEUE_LIMIT_BYTES} it closes itself, as libwebrtc does.
 *
 * <p>Closing (locally, by the peer or by failure): the writer sends what was queued before the close, then a FIN;
 * the reader reads (and drops) until the peer's FIN, or until {@link #LINGER_MS} has passed, then calls
 * {@code onClosed} once with the first reason. Both ends thus see {@code onClosed}.
 */
final class SocketMessageChannel implements MessageChannel {
  static final int LENGTH_OFFSET = 0;
  static final int PAYLOAD_OFFSET = LENGTH_OFFSET + Integer.BYTES;
  static final int HEADER_LENGTH = PAYLOAD_OFFSET;

  static final long HIGH_WATERMARK_BYTES = 4L << 20;
  static final long LOW_WATERMARK_BYTES = 1L << 20;
  static final long SEND_QUEUE_LIMIT_BYTES = 16L << 20;
  /** How long a closing end waits for the peer's FIN before it closes the socket anyway. */
  static final long LINGER_MS = 2_000;
  /** The writer flushes after this many bytes even while more are queued. */
  private static final int FLUSH_BYTES = 1 << 18;
  /** Queued in place of a message: the writer stops after everything before it. */
  private static final ByteBuffer END = ByteBuffer.allocate(0);
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  private final Socket socket;
  private final String name;
  private final LinkedBlockingQueue<ByteBuffer> outbound = new LinkedBlockingQueue<>();
  /** Header and payload bytes queued and not yet flushed to the socket. */
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean unwritable = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicReference<@Nullable String> closeReason = new AtomicReference<>();
  private final Thread reader;
  private final Thread writer;
  private volatile @Nullable Listener listener;

  /** Takes over {@code socket} (connected) and starts the writer; the reader starts with {@link #start}. */
  SocketMessageChannel(Socket socket) throws IOException {
    this.socket = Objects.requireNonNull(socket, "socket");
    this.name = "socket-channel-" + CHANNELS.incrementAndGet();
    socket.setTcpNoDelay(true);
    reader = new Thread(this::readLoop, name + "-reader");
    reader.setDaemon(true);
    writer = new Thread(this::writeLoop, name + "-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("listener already registered on " + name);
    }
    this.listener = listener;
    reader.start();
  }

  @Override
  public boolean send(ByteBuffer message) {
    int length = MessageChannel.checkedLength(message);
    if (closed.get()) {
      return false;
    }
    ByteBuffer framed = ByteBuffer.allocate(HEADER_LENGTH + length);
    framed.putInt(LENGTH_OFFSET, length);
    framed.put(PAYLOAD_OFFSET, message, message.position(), length);
    long queued = queuedBytes.addAndGet(framed.capacity());
    if (queued > SEND_QUEUE_LIMIT_BYTES) {
      queuedBytes.addAndGet(-framed.capacity());
      close("send queue " + queued + " bytes > limit " + SEND_QUEUE_LIMIT_BYTES);
      return false;
    }
    if (queued >= HIGH_WATERMARK_BYTES) {
      unwritable.set(true); // before the message is queued, so that the writer re-checks after writing it
    }
    outbound.add(framed);
    return true;
  }

  @Override
  public boolean isWritable() {
    return !unwritable.get() && !closed.get();
  }

  @Override
  public long bufferedAmount() {
    return queuedBytes.get();
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
  }

  @Override
  public void close(String reason) {
    closeReason.compareAndSet(null, reason);
    if (closed.compareAndSet(false, true)) {
      outbound.add(END);
    }
  }

  private void readLoop() {
    Listener target = Objects.requireNonNull(listener);
    try {
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
      while (true) {
        int length = in.readInt();
        if (length < 0 || length > MAX_MESSAGE_LENGTH) {
          close("message length " + Integer.toUnsignedString(length) + " > max " + MAX_MESSAGE_LENGTH
              + " (" + name + ")");
          break;
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (closed.get()) {
          continue; // closing: drain until the peer's FIN, deliver nothing more
        }
        target.onMessage(ByteBuffer.wrap(payload));
      }
    } catch (EOFException e) {
      close("peer closed the channel");
    } catch (IOException | RuntimeException e) {
      close("channel failed: " + e);
    }
    target.onClosed(Objects.requireNonNull(closeReason.get()));
  }

  private void writeLoop() {
    try {
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      boolean ending = false;
      while (!ending) {
        ByteBuffer next = outbound.take();
        long unflushed = 0;
        while (next != null) {
          if (next == END) {
            ending = true;
            break;
          }
          out.write(next.array(), 0, next.capacity());
          unflushed += next.capacity();
          if (unflushed >= FLUSH_BYTES) {
            break;
          }
          next = outbound.poll();
        }
        out.flush();
        drained(unflushed);
      }
      socket.shutdownOutput();
      reader.join(LINGER_MS);
    } catch (IOException e) {
      close("channel failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        socket.close(); // unblocks a reader still waiting for the peer's FIN
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private void drained(long bytes) {
    long queued = queuedBytes.addAndGet(-bytes);
    if (queued <= LOW_WATERMARK_BYTES && unwritable.compareAndSet(true, false) && !closed.get()) {
      Listener l = listener;
      if (l != null) {
        l.onWritable();
      }
    }
  }

  @Override
  public String toString() {
    return name;
  }
}

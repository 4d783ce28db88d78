package dev.p2ptunnel.bridge.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One real loopback TCP connection driven by the test's thread without blocking: a local application on the client
 * side, or a service's connection on the host side. {@link #pump} writes what was queued and reads what arrived
 * (unless the test stalls it); an echoing endpoint writes back what it reads and, after EOF, shuts its output once
 * everything is written back. Not thread-safe.
 */
final class Endpoint implements AutoCloseable {
  final SocketChannel socket;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
  private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
  /** An echo stops reading while this much waits to be written back, as a blocking echo service would. */
  private static final int ECHO_BACKLOG = 1 << 20;
  private long outgoingBytes;
  /** Whether to read at all: false makes a stalled application. */
  boolean reading = true;
  /** Whether to write back what is read. */
  boolean echo;
  /** Called after each read that brought bytes (e.g. a service that answers a request). */
  @Nullable Consumer<Endpoint> onRead;
  /** Called once when EOF is read. */
  @Nullable Consumer<Endpoint> onEof;
  private boolean shutdownWhenWritten;
  private boolean outputShut;
  private boolean eof;
  private @Nullable IOException failure;

  Endpoint(SocketChannel socket) throws IOException {
    this.socket = socket;
    socket.configureBlocking(false);
    socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
  }

  /** Connects to {@code address} (loopback: completes against the listen backlog, before any accept). */
  static Endpoint connect(InetSocketAddress address) throws IOException {
    return new Endpoint(SocketChannel.open(address));
  }

  /** Queues {@code data} to write. */
  Endpoint write(byte[] data) {
    outgoing.add(ByteBuffer.wrap(data.clone()));
    outgoingBytes += data.length;
    return this;
  }

  /** Shuts the output (EOF for the other side) once everything queued is written. */
  Endpoint shutdownOutputWhenWritten() {
    shutdownWhenWritten = true;
    return this;
  }

  /**
   * Writes and reads what the socket takes and has now.
   *
   * @return bytes moved (0: nothing happened)
   */
  int pump() {
    if (failure != null || !socket.isOpen()) {
      return 0;
    }
    int moved = 0;
    try {
      moved += flush();
      while (reading && !eof && !(echo && outgoingBytes >= ECHO_BACKLOG)) {
        buffer.clear();
        int n = socket.read(buffer);
        if (n < 0) {
          eof = true;
          if (echo) {
            shutdownWhenWritten = true;
          }
          if (onEof != null) {
            onEof.accept(this);
          }
          moved++;
        } else if (n == 0) {
          break;
        } else {
          received.write(buffer.array(), 0, n);
          if (echo) {
            byte[] copy = new byte[n];
            System.arraycopy(buffer.array(), 0, copy, 0, n);
            outgoing.add(ByteBuffer.wrap(copy));
            outgoingBytes += n;
          }
          moved += n;
          if (onRead != null) {
            onRead.accept(this);
          }
        }
      }
      moved += flush();
    } catch (IOException e) {
      failure = e;
      moved++;
    }
    return moved;
  }

  private int flush() throws IOException {
    int written = 0;
    while (!outgoing.isEmpty()) {
      ByteBuffer head = outgoing.peekFirst();
      int n = socket.write(head);
      written += n;
      outgoingBytes -= n;
      if (head.hasRemaining()) {
        return written;
      }
      outgoing.pollFirst();
    }
    if (shutdownWhenWritten && !outputShut) {
      outputShut = true;
      socket.shutdownOutput();
      written++;
    }
    return written;
  }

  /** Bytes received so far. */
  byte[] received() {
    return received.toByteArray();
  }

  int receivedCount() {
    return received.size();
  }

  /** Whether everything queued has been written. */
  boolean written() {
    return outgoing.isEmpty();
  }

  /** The other side closed cleanly (EOF read). */
  boolean eof() {
    return eof;
  }

  /** The connection was reset (an abort of the other side): what an application sees when a tunnel breaks. */
  boolean reset() {
    return failure != null && String.valueOf(failure.getMessage()).contains("reset");
  }

  /** EOF or reset or another failure: the connection is over. */
  boolean ended() {
    return eof || failure != null;
  }

  @Nullable IOException failure() {
    return failure;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

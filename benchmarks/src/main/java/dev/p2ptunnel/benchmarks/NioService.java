package dev.p2ptunnel.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP service on one thread, for the harnesses: echoes or discards and counts, and holds any number of
 * connections without a thread each. An echo that the socket does not take at once waits (and reading that
 * connection stops) until it does; a failed accept (out of descriptors, typically) is counted and retried on the
 * next select rather than ending the service.
 */
public final class NioService implements AutoCloseable {
  /** Larger than the connections a harness opens at once, so that the kernel never drops a SYN for want of room. */
  private static final int BACKLOG = 16_384;

  private final Selector selector = Selector.open();
  private final ServerSocketChannel server = ServerSocketChannel.open();
  private final boolean echo;
  private final Thread thread;
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong connections = new AtomicLong();
  /** Connections accepted and not yet closed. */
  final AtomicLong openConnections = new AtomicLong();
  private final AtomicLong acceptFailures = new AtomicLong();
  private volatile boolean running = true;

  /** On an ephemeral port of 127.0.0.1. */
  NioService(boolean echo) throws IOException {
    this(echo, 0);
  }

  /** On 127.0.0.1:{@code port} (0: an ephemeral one); echoes when {@code echo}, else discards. */
  public NioService(boolean echo, int port) throws IOException {
    this.echo = echo;
    server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    thread = new Thread(this::run, echo ? "echo-service" : "sink-service");
    thread.setDaemon(true);
    thread.start();
  }

  public InetSocketAddress address() throws IOException {
    return (InetSocketAddress) server.getLocalAddress();
  }

  /** Connections accepted since the start. */
  public long accepted() {
    return connections.get();
  }

  /** Connections accepted and not yet closed. */
  public long open() {
    return openConnections.get();
  }

  /** Accepts that failed (each retried on the next select). */
  public long acceptFailures() {
    return acceptFailures.get();
  }

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
    try {
      while (running) {
        selector.select(100);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            acceptAll();
          } else {
            serve(key, buffer);
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void acceptAll() {
    while (true) {
      SocketChannel socket;
      try {
        socket = server.accept();
        if (socket == null) {
          return;
        }
      } catch (IOException e) {
        acceptFailures.incrementAndGet();
        return;
      }
      try {
        socket.configureBlocking(false);
        if (echo) {
          socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        socket.register(selector, SelectionKey.OP_READ);
        connections.incrementAndGet();
        openConnections.incrementAndGet();
      } catch (IOException e) {
        closeQuietly(socket);
      }
    }
  }

  /** Reads what is readable (echoing it), or finishes an echo that waited for the socket. */
  private void serve(SelectionKey key, ByteBuffer buffer) {
    SocketChannel socket = (SocketChannel) key.channel();
    try {
      ByteBuffer pending = (ByteBuffer) key.attachment();
      if (pending != null) {
        socket.write(pending);
        if (!pending.hasRemaining()) {
          key.attach(null);
          key.interestOps(SelectionKey.OP_READ);
        }
        return;
      }
      buffer.clear();
      int n = socket.read(buffer);
      if (n < 0) {
        close(key);
        return;
      }
      bytes.addAndGet(n);
      if (echo) {
        buffer.flip();
        socket.write(buffer);
        if (buffer.hasRemaining()) {
          key.attach(ByteBuffer.allocate(buffer.remaining()).put(buffer).flip());
          key.interestOps(SelectionKey.OP_WRITE);
        }
      }
    } catch (IOException e) {
      close(key); // reset by the peer
    }
  }

  private void close(SelectionKey key) {
    key.cancel();
    closeQuietly((SocketChannel) key.channel());
    openConnections.decrementAndGet();
  }

  private static void closeQuietly(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do with it
    }
  }

  @Override
  public void close() throws IOException {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SelectionKey key : selector.keys()) {
      key.channel().close();
    }
    selector.close();
  }
}

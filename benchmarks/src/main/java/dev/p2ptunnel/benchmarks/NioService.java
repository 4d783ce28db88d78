package dev.p2ptunnel.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP service on one thread, for the harness: echoes (small messages) or discards and counts, and holds
 * any number of connections without a thread each.
 */
final class NioService implements AutoCloseable {
  private final Selector selector = Selector.open();
  private final ServerSocketChannel server = ServerSocketChannel.open();
  private final boolean echo;
  private final Thread thread;
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong connections = new AtomicLong();
  /** Connections accepted and not yet closed. */
  final AtomicLong openConnections = new AtomicLong();
  private volatile boolean running = true;

  NioService(boolean echo) throws IOException {
    this.echo = echo;
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16_384);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    thread = new Thread(this::run, echo ? "echo-service" : "sink-service");
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() throws IOException {
    return (InetSocketAddress) server.getLocalAddress();
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
            SocketChannel socket;
            while ((socket = server.accept()) != null) {
              socket.configureBlocking(false);
              socket.register(selector, SelectionKey.OP_READ);
              connections.incrementAndGet();
              openConnections.incrementAndGet();
            }
          } else if (key.isReadable()) {
            SocketChannel socket = (SocketChannel) key.channel();
            buffer.clear();
            int n;
            try {
              n = socket.read(buffer);
            } catch (IOException e) {
              n = -1;
            }
            if (n < 0) {
              key.cancel();
              socket.close();
              openConnections.decrementAndGet();
              continue;
            }
            bytes.addAndGet(n);
            if (echo) {
              buffer.flip();
              while (buffer.hasRemaining()) {
                socket.write(buffer); // small messages: the socket takes them at once
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
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

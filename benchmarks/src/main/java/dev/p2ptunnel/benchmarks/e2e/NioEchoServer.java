package dev.p2ptunnel.benchmarks.e2e;

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
import java.util.concurrent.TimeUnit;

/**
 * {@code TcpTool nio-echo-server PORT}: an echo service on 127.0.0.1 that holds any number of connections on one
 * thread (a selector), for the many-connections step; the thread-per-connection {@code echo-server} stays what the
 * latency step measures against. Prints {@code ready port=P}, then {@code connections open=N accepted=M} once a
 * second while those change. Runs until killed. Not thread-safe (one thread).
 */
final class NioEchoServer {
  /** Larger than the connections the step opens at once, so that the kernel never drops a SYN for want of room. */
  private static final int BACKLOG = 16_384;
  private static final long REPORT_NS = TimeUnit.SECONDS.toNanos(1);

  private final Selector selector;
  private final ServerSocketChannel server;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
  private long open;
  private long accepted;

  private NioEchoServer(Selector selector, ServerSocketChannel server) {
    this.selector = selector;
    this.server = server;
  }

  static int serve(int port) throws IOException {
    try (Selector selector = Selector.open(); ServerSocketChannel server = ServerSocketChannel.open()) {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
      System.out.println("ready port=" + port);
      new NioEchoServer(selector, server).loop();
      return 0;
    }
  }

  private void loop() throws IOException {
    long reportedOpen = -1;
    long reportedAccepted = -1;
    long nextReportNs = System.nanoTime();
    while (true) {
      selector.select(TimeUnit.NANOSECONDS.toMillis(REPORT_NS));
      for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
        SelectionKey key = keys.next();
        keys.remove();
        if (!key.isValid()) {
          continue;
        }
        if (key.isAcceptable()) {
          acceptAll();
        } else {
          serve(key);
        }
      }
      long nowNs = System.nanoTime();
      if (nowNs - nextReportNs >= 0 && (open != reportedOpen || accepted != reportedAccepted)) {
        System.out.println("connections open=" + open + " accepted=" + accepted);
        reportedOpen = open;
        reportedAccepted = accepted;
        nextReportNs = nowNs + REPORT_NS;
      }
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
        // Out of descriptors, typically: say so, and try again on the next select rather than spin here.
        System.out.println("error accept: " + e);
        return;
      }
      try {
        socket.configureBlocking(false);
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        socket.register(selector, SelectionKey.OP_READ);
        accepted++;
        open++;
      } catch (IOException e) {
        closeQuietly(socket);
      }
    }
  }

  /** Echoes what is readable; a reply the socket does not take at once waits (and reading stops) until it does. */
  private void serve(SelectionKey key) {
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
      if (socket.read(buffer) < 0) {
        close(key);
        return;
      }
      buffer.flip();
      socket.write(buffer);
      if (buffer.hasRemaining()) {
        key.attach(ByteBuffer.allocate(buffer.remaining()).put(buffer).flip());
        key.interestOps(SelectionKey.OP_WRITE);
      }
    } catch (IOException e) {
      close(key); // reset by the peer
    }
  }

  private void close(SelectionKey key) {
    key.cancel();
    closeQuietly((SocketChannel) key.channel());
    open--;
  }

  private static void closeQuietly(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do with it
    }
  }
}

package dev.p2ptunnel.bridge.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real loopback TCP service driven by the test's thread: {@link #pump} accepts what connected and pumps every
 * connection, each set up on accept by the given handler (echo, a banner, …). Not thread-safe.
 */
final class LocalService implements AutoCloseable {
  final ServerSocketChannel server;
  final List<Endpoint> connections = new ArrayList<>();
  private final Consumer<Endpoint> onAccept;

  LocalService(Consumer<Endpoint> onAccept) throws IOException {
    this(onAccept, 4096);
  }

  LocalService(Consumer<Endpoint> onAccept, int backlog) throws IOException {
    this.onAccept = onAccept;
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
    server.configureBlocking(false);
  }

  /** An echo service: every byte back, EOF after EOF. */
  static LocalService echo() throws IOException {
    return new LocalService(connection -> connection.echo = true);
  }

  InetSocketAddress address() {
    try {
      return (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  int pump() {
    int work = 0;
    try {
      SocketChannel socket;
      while (server.isOpen() && (socket = server.accept()) != null) {
        Endpoint connection = new Endpoint(socket);
        onAccept.accept(connection);
        connections.add(connection);
        work++;
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (Endpoint connection : connections) {
      work += connection.pump();
    }
    return work;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Endpoint connection : connections) {
      connection.close();
    }
  }
}

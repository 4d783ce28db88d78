package dev.p2ptunnel.bridge.internal;

import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** Streams for unit tests of components: real (unconnected) socket channels registered with a real selector. */
final class TestStreams implements AutoCloseable {
  private final Selector selector;
  private final List<SocketChannel> sockets = new ArrayList<>();

  TestStreams() throws IOException {
    selector = Selector.open();
  }

  /** A live stream in state OPEN, its local connection up. */
  Stream stream(int id) throws IOException {
    SocketChannel socket = SocketChannel.open();
    sockets.add(socket);
    socket.configureBlocking(false);
    Stream stream = new Stream(id, socket, socket.register(selector, 0), 0);
    stream.key.attach(stream);
    stream.connected = true;
    return stream;
  }

  @Override
  public void close() throws IOException {
    for (SocketChannel socket : sockets) {
      socket.close();
    }
    selector.close();
  }
}

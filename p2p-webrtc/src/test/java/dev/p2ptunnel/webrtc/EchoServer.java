package dev.p2ptunnel.webrtc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Test support: a TCP echo service on 127.0.0.1 (an ephemeral port), the service a host tunnel shares in the tests.
 * Each connection gets its own daemon thread that sends back what arrives until the peer ends it. Thread-safe.
 */
final class EchoServer implements AutoCloseable {
  private final ServerSocket socket;

  private EchoServer(ServerSocket socket) {
    this.socket = socket;
  }

  /** Listens and accepts on a daemon thread named "echo" until {@link #close()}. */
  static EchoServer start() throws IOException {
    EchoServer server = new EchoServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    Thread accept = new Thread(server::acceptAll, "echo");
    accept.setDaemon(true);
    accept.start();
    return server;
  }

  /** The port it listens on. */
  int port() {
    return socket.getLocalPort();
  }

  /** Stops listening; connections already accepted run on until their peer ends them. */
  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void acceptAll() {
    while (!socket.isClosed()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread pump = new Thread(() -> {
        try (connection) {
          connection.getInputStream().transferTo(connection.getOutputStream());
        } catch (IOException e) {
          // the test's connection ended
        }
      }, "echo-connection");
      pump.setDaemon(true);
      pump.start();
    }
  }
}

package dev.p2ptunnel.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test support: the smallest load balancer, a TCP proxy on loopback that sends each new connection to the first
 * backend that accepts it (so every connection goes to the first instance while it lives, then to the next), and
 * closes both sides when either ends. Thread-safe.
 */
final class FailoverProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Integer> backends;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  FailoverProxy(List<Integer> backendPorts) throws IOException {
    this.backends = List.copyOf(backendPorts);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "failover-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket backend = connect();
        if (backend == null) {
          client.close();
          continue;
        }
        open.add(client);
        open.add(backend);
        pump(client, backend);
        pump(backend, client);
      } catch (IOException e) {
        // closed
      }
    }
  }

  private Socket connect() {
    for (int port : backends) {
      try {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        return socket;
      } catch (IOException e) {
        // that instance is down: the next one
      }
    }
    return null;
  }

  private void pump(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side ended
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "failover-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    open.forEach(FailoverProxy::closeQuietly);
  }
}

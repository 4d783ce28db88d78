package dev.p2ptunnel.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Real loopback TCP services for tests: each connection handled on its own thread by a given handler. */
final class Services {
  private Services() {}

  /** A running service; close() stops accepting and closes the server socket. */
  static final class Service implements AutoCloseable {
    final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-service");
      t.setDaemon(true);
      return t;
    });

    Service(Consumer<Socket> handler) throws IOException {
      server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
      pool.execute(() -> {
        while (!server.isClosed()) {
          try {
            Socket socket = server.accept();
            pool.execute(() -> {
              try (socket) {
                handler.accept(socket);
              } catch (IOException | RuntimeException e) {
                // the test sees the effect on its side
              }
            });
          } catch (IOException e) {
            return;
          }
        }
      });
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      server.close();
      pool.shutdownNow();
    }
  }

  /** Echoes every byte until EOF, then closes. */
  static Service echo() throws IOException {
    return new Service(socket -> {
      try {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        in.transferTo(out);
        socket.shutdownOutput();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  static String sha256(byte[] data) {
    return HexFormat.of().formatHex(digest().digest(data));
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The bridge ended this connection abortively (the tunnel broke or the socket was aborted): the app sees a reset,
   * not a clean end of stream it could mistake for a complete response.
   */
  static void assertReset(Socket app) throws IOException {
    app.setSoTimeout(5_000);
    try {
      int read = app.getInputStream().read();
      throw new AssertionError("expected a connection reset, read " + read);
    } catch (java.net.SocketException e) {
      if (!String.valueOf(e.getMessage()).contains("reset")) {
        throw e;
      }
    }
  }

  /** Writes {@code data} to {@code app} from a thread of its own while reading as many bytes back; returns them. */
  static byte[] echoThrough(Socket app, byte[] data) throws IOException, InterruptedException {
    Thread writer = new Thread(() -> {
      try {
        app.getOutputStream().write(data);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    writer.start();
    byte[] back = app.getInputStream().readNBytes(data.length);
    writer.join();
    return back;
  }

  /**
   * Opens {@code connections} connections at once, each on its own thread, each sending a random number (1 …
   * {@code maxBytes}, seeded by its index) of random bytes and half-closing, then reading the echo to its end.
   *
   * @return how many got exactly their bytes back
   */
  static int concurrentEchoes(InetSocketAddress address, int connections, int maxBytes) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        int seed = i;
        results.add(pool.submit(() -> {
          byte[] data = new byte[new Random(seed).nextInt(maxBytes) + 1];
          new Random(seed).nextBytes(data);
          try (Socket app = connect(address)) {
            Thread writer = new Thread(() -> {
              try {
                app.getOutputStream().write(data);
                app.shutdownOutput();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
            writer.start();
            byte[] back = app.getInputStream().readAllBytes();
            writer.join();
            return sha256(data).equals(sha256(back));
          }
        }));
      }
      int ok = 0;
      for (Future<Boolean> result : results) {
        ok += result.get() ? 1 : 0;
      }
      return ok;
    } finally {
      pool.shutdownNow();
    }
  }

  static Socket connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    socket.connect(address, 5_000);
    socket.setSoTimeout(30_000);
    return socket;
  }
}

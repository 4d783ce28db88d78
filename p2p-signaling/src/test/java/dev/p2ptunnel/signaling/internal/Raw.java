package dev.p2ptunnel.signaling.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Test support: hand-made HTTP/1.1 over a plain socket, for requests no real client sends. */
final class Raw implements AutoCloseable {
  final Socket socket;

  /** A connection to {@code server}, from {@code from} (a loopback address of the 127/8 range) or any. */
  Raw(InetSocketAddress server, InetAddress from) throws IOException {
    socket = new Socket();
    if (from != null) {
      socket.bind(new InetSocketAddress(from, 0));
    }
    socket.connect(server, 5_000);
    socket.setSoTimeout(20_000);
  }

  Raw(InetSocketAddress server) throws IOException {
    this(server, null);
  }

  Raw write(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  /** Everything the server sends until it closes (or 20 s pass), as text. */
  String readAll() throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // return what came
    } catch (IOException e) {
      if (out.size() == 0) {
        throw e;
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** One response: status line, headers and a Content-Length body. */
  String readResponse() throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** Whether the server closed the connection (EOF) within the socket timeout. */
  boolean closedByServer() throws IOException {
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

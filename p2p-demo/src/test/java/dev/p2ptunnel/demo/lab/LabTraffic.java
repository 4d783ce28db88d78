package dev.p2ptunnel.demo.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The lab client's application, run as its own JVM inside {@code p2plab-client} (only there is the tunnel client's
 * local port reachable). Each mode prints {@code key=value} lines the test parses:
 * <ul>
 *   <li>{@code first-byte PORT TIMEOUT_MS}: connects as soon as the port accepts, sends {@code GET /hello}, prints
 *       {@code first_byte_epoch_ms=T} when the first response byte arrives, then {@code hello=ok} or
 *       {@code hello=BAD…};
 *   <li>{@code get PORT N SEED TIMEOUT_MS}: downloads {@code /bytes}, prints {@code status= bytes= sha256= ms=};
 *   <li>{@code post PORT N SEED TIMEOUT_MS}: uploads N bytes to {@code /sink}, prints
 *       {@code sent_bytes= sent_sha256= ms=} and the service's {@code reply=bytes=… sha256=…};
 *   <li>{@code echo PORT TIMEOUT_MS}: opens one keep-alive connection and, for each line on standard input, asks
 *       {@code GET /hello} on it and prints {@code hello=ok n=I} (or {@code hello=BAD…}): an interactive
 *       connection that must outlive an outage;
 *   <li>{@code hold PORT TIMEOUT_MS}: opens {@code /hold}, prints {@code holding}, then {@code closed how=…
 *       closed_epoch_ms=T} when the connection ends.
 * </ul>
 * Exits 0 when the mode completed, 1 otherwise (with {@code error=…}).
 */
final class LabTraffic {
  /** {@code get} prints {@code progress=BYTES} each time this many more bytes arrived. */
  static final long PROGRESS_BYTES = 16L << 20;

  private LabTraffic() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    try {
      switch (args[0]) {
        case "first-byte" -> firstByte(port, Long.parseLong(args[2]));
        case "get" -> get(port, Long.parseLong(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
        case "post" -> post(port, Long.parseLong(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
        case "hold" -> hold(port, Long.parseLong(args[2]));
        case "echo" -> echo(port, Long.parseLong(args[2]));
        default -> throw new IllegalArgumentException("mode: " + args[0]
            + " (expected: first-byte, get, post, echo or hold)");
      }
    } catch (IOException | InterruptedException e) {
      System.out.println("error=" + e);
      System.exit(1);
    }
    System.exit(0);
  }

  private static void firstByte(int port, long timeoutMs) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    try (Socket socket = connect(port, deadline)) {
      socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
      OutputStream out = socket.getOutputStream();
      out.write("GET /hello HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      int first = in.read();
      long at = System.currentTimeMillis();
      if (first < 0) {
        throw new IOException("connection closed before the first byte");
      }
      System.out.println("first_byte_epoch_ms=" + at);
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      response.write(first);
      in.transferTo(response);
      String text = response.toString(StandardCharsets.UTF_8);
      System.out.println(text.startsWith("HTTP/1.1 200") && text.endsWith(LabService.HELLO) ? "hello=ok"
          : "hello=BAD " + text.replace("\r\n", "|"));
    }
  }

  /** The tunnel client listens as soon as it starts; until then, retries a refused connect. */
  private static Socket connect(int port, long deadline) throws IOException, InterruptedException {
    while (true) {
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
        return socket;
      } catch (ConnectException e) {
        socket.close();
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  private static void get(int port, long n, long seed, long timeoutMs) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long start = System.nanoTime();
    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/bytes?n=" + n + "&seed=" + seed))
        .timeout(Duration.ofMillis(timeoutMs)).build(), HttpResponse.BodyHandlers.ofInputStream());
    MessageDigest digest = LabData.newDigest();
    long total = 0;
    byte[] buffer = new byte[LabData.BUFFER_BYTES];
    try (InputStream body = response.body()) {
      int count;
      long nextProgress = PROGRESS_BYTES;
      while ((count = body.read(buffer)) > 0) {
        digest.update(buffer, 0, count);
        total += count;
        if (total >= nextProgress) {
          System.out.println("progress=" + total);
          nextProgress += PROGRESS_BYTES;
        }
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println("status=" + response.statusCode() + " bytes=" + total + " sha256="
        + HexFormat.of().formatHex(digest.digest()) + " ms=" + ms);
  }

  private static void post(int port, long n, long seed, long timeoutMs) throws IOException, InterruptedException {
    MessageDigest digest = LabData.newDigest();
    long[] sent = new long[1];
    InputStream data = new InputStream() {
      private final LabData source = new LabData(n, seed);
      private final byte[] buffer = new byte[LabData.BUFFER_BYTES];
      private int position;
      private int limit;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] target, int offset, int length) {
        if (position == limit) {
          limit = source.next(buffer);
          position = 0;
          if (limit == 0) {
            return -1;
          }
          digest.update(buffer, 0, limit);
          sent[0] += limit;
        }
        int count = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, count);
        position += count;
        return count;
      }
    };
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/sink")).timeout(Duration.ofMillis(timeoutMs)).POST(HttpRequest.BodyPublishers.ofInputStream(() -> data))
        .build(), HttpResponse.BodyHandlers.ofString());
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println("status=" + response.statusCode() + " sent_bytes=" + sent[0] + " sent_sha256="
        + HexFormat.of().formatHex(digest.digest()) + " ms=" + ms);
    System.out.println("reply=" + response.body());
  }

  private static void echo(int port, long timeoutMs) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    try (Socket socket = connect(port, deadline);
        java.io.BufferedReader stdin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
            StandardCharsets.UTF_8))) {
      socket.setSoTimeout((int) timeoutMs);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      int n = 0;
      while (stdin.readLine() != null) {
        out.write("GET /hello HTTP/1.1\r\nHost: lab\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            throw new IOException("the connection ended after " + n + " answers: " + head);
          }
          head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = -1;
        for (String line : headers.split("\r\n")) {
          if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring("content-length:".length()).trim());
          }
        }
        byte[] body = in.readNBytes(Math.max(0, length));
        String text = new String(body, StandardCharsets.UTF_8);
        n++;
        System.out.println(headers.startsWith("HTTP/1.1 200") && text.equals(LabService.HELLO) ? "hello=ok n=" + n
            : "hello=BAD " + headers.replace("\r\n", "|") + text);
      }
    }
  }

  private static void hold(int port, long timeoutMs) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    try (Socket socket = connect(port, deadline)) {
      socket.setSoTimeout((int) timeoutMs);
      socket.getOutputStream().write("GET /hold HTTP/1.1\r\nHost: lab\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      while (!seen.toString(StandardCharsets.US_ASCII).contains("held\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("closed before the service held the connection: " + seen);
        }
        seen.write(b);
      }
      System.out.println("holding");
      String how;
      try {
        long more = 0;
        while (in.read() >= 0) {
          more++;
        }
        how = "eof after " + more + " more bytes";
      } catch (IOException e) {
        how = e.toString().replace(' ', '_');
      }
      System.out.println("closed how=" + how + " closed_epoch_ms=" + System.currentTimeMillis());
    }
  }
}

package dev.p2ptunnel.demo.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The well-behaved client's application, run as its own JVM in the client's namespace:
 * {@code LabConnectTimes PORT WARMUP N} makes WARMUP and then N new connections to the tunnel client's port, one
 * after another, each {@code GET /hello} read to the end, and prints {@code connects n=N failures=F p50_us=…
 * p99_us=… max_us=…} (connect to the last byte of the response: a new tunnel socket each time, so the host's
 * CONNECT handling is in every sample). A failure is any connection that does not bring the whole answer within
 * 10 s. It measures once per line on its standard input, the line being the label; labels {@code NAME-K} also
 * pool their samples under NAME ({@code pool_n}, {@code pool_p99_us}: all rounds of NAME so far).
 */
public final class LabConnectTimes {
  private static final int TIMEOUT_MS = 10_000;

  private LabConnectTimes() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int warmup = Integer.parseInt(args[1]);
    int n = Integer.parseInt(args[2]);
    java.io.BufferedReader stdin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    for (int i = 0; i < warmup; i++) {
      once(port);
    }
    System.out.println("connects ready");
    java.util.Map<String, List<Long>> pools = new java.util.HashMap<>();
    String label;
    while ((label = stdin.readLine()) != null) {
      List<Long> micros = new ArrayList<>();
      String poolName = label.contains("-") ? label.substring(0, label.indexOf('-')) : label;
      List<Long> pool = pools.computeIfAbsent(poolName, k -> new ArrayList<>());
      int failures = 0;
      String firstFailure = "none";
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        String problem = once(port);
        long us = (System.nanoTime() - start) / 1_000;
        if (problem == null) {
          micros.add(us);
        } else {
          failures++;
          if (failures == 1) {
            firstFailure = problem.replace(' ', '_');
          }
        }
      }
      pool.addAll(micros);
      Collections.sort(micros);
      Collections.sort(pool);
      System.out.println(String.format(Locale.ROOT, "connects label=%s n=%d failures=%d p50_us=%d p99_us=%d "
          + "max_us=%d first_failure=%s pool=%s pool_n=%d pool_p50_us=%d pool_p99_us=%d", label, n, failures,
          at(micros, 0.50), at(micros, 0.99), micros.isEmpty() ? -1 : micros.get(micros.size() - 1), firstFailure,
          poolName, pool.size(), at(pool, 0.50), at(pool, 0.99)));
    }
    System.exit(0);
  }

  /** One connection: null if the whole answer came, else what went wrong. */
  private static String once(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      socket.getOutputStream().write("GET /hello HTTP/1.0\r\nHost: lab\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      in.transferTo(body);
      String text = body.toString(StandardCharsets.UTF_8);
      return text.startsWith("HTTP/1.1 200") && text.endsWith(LabService.HELLO) ? null
          : "bad answer " + text.length() + " chars";
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static long at(List<Long> sorted, double quantile) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
  }
}

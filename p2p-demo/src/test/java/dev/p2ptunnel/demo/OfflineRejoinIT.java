package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Offline mode (tokens pasted by hand) after the network failed (issue 14): the client cannot rejoin by itself, so it
 * says so and prints a new offer token; the connections are kept meanwhile, and once the person has carried the new
 * tokens across, an HTTP keep-alive connection opened before the outage answers again on the same socket. The test
 * plays the person. The outage drops every non-loopback packet of the test namespace (the child processes share it).
 */
@Timeout(300)
class OfflineRejoinIT {
  private static final Duration STEP = Duration.ofSeconds(60);
  private static final Duration EXIT = Duration.ofSeconds(30);
  private static final String OFFLINE_HINT = "offline mode cannot reconnect by itself: send the host the new offer "
      + "token below and paste its answer";

  private HttpServer service;
  private boolean outage;

  @BeforeEach
  void startService() throws IOException {
    DemoProcess.assumeNamespace();
    service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    service.createContext("/", exchange -> {
      byte[] body = ("served " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    service.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (outage) {
      network(false);
    }
    if (service != null) {
      service.stop(0);
    }
  }

  @Test
  void shouldSayANewTokenExchangeIsNeededAndKeepTheConnectionsUntilThePersonPastesTheNewTokens() throws Exception {
    try (DemoProcess host = DemoProcess.start("host", "host", "--port", Integer.toString(service.getAddress()
            .getPort()), "--offline", "--no-stun", "--yes", "--keepalive", "1s,3s");
        DemoProcess client = DemoProcess.start("client", "client", "--port", "0", "--offline", "--no-stun",
            "--keepalive", "1s,3s", "--name", "dave")) {
      host.type(client.awaitLine(line -> line.startsWith("p2pt1."), STEP));
      client.type(host.awaitLine(line -> line.startsWith("p2pt1."), STEP));
      String connect = client.awaitLine(line -> line.startsWith("Connect your app to 127.0.0.1:"), STEP);
      int port = Integer.parseInt(connect.substring("Connect your app to 127.0.0.1:".length()).strip());

      try (Socket app = new Socket(InetAddress.getLoopbackAddress(), port)) {
        app.setSoTimeout((int) STEP.toMillis());
        assertEquals("served /before", get(app, "/before"));

        network(true);
        String lost = client.awaitLine(line -> line.contains("connection to the host lost"), STEP);
        assertTrue(lost.endsWith(OFFLINE_HINT), lost);
        host.awaitLine(line -> line.contains("client #1 'dave'") && line.contains(" lost ("), STEP);
        client.awaitCount(line -> line.startsWith("p2pt1."), 2, STEP); // the new offer token, for the person
        // A connection made now waits, and the client says so (issue 14: never a silent hang).
        Socket late = new Socket(InetAddress.getLoopbackAddress(), port);
        late.setSoTimeout((int) STEP.toMillis());
        String waits = client.awaitLine(line -> line.contains("new connection from 127.0.0.1:"
            + late.getLocalPort() + " waits for the host to come back (at most "), STEP);
        assertTrue(waits.endsWith("or is closed with the rest when the grace period (2 min) ends without it"), waits);
        network(false);
        // Nothing goes by itself: the old session stays broken until the person carries the new tokens across.
        assertTrue(client.alive() && host.alive(), "both keep the connections for the grace period");

        host.type(last(client, "p2pt1."));
        host.awaitCount(line -> line.startsWith("p2pt1."), 2, STEP);
        client.type(last(host, "p2pt1."));
        String back = client.awaitLine(line -> line.contains("reconnected: "), STEP);
        assertTrue(back.contains("reconnected: 2 connections carry on"), back);
        host.awaitLine(line -> line.contains("client #1 'dave'") && line.contains(" is back: "), STEP);

        assertEquals("served /after", get(app, "/after"), "the connection opened before the outage answers");
        try (late) {
          assertEquals("served /late", get(late, "/late"), "the connection that waited goes through");
        }
      }
      assertEquals(1, host.stdout().stream().filter(line -> line.contains(" lost (")).count(),
          "one message per loss: " + host.stdout());
      client.signal("INT");
      assertEquals(0, client.awaitExit(EXIT), "client exit code after SIGINT; stderr " + client.stderr());
      host.signal("INT");
      assertEquals(0, host.awaitExit(EXIT), "host exit code after SIGINT; stderr " + host.stderr());
    }
    assertEquals(0, ProcessHandle.current().descendants().count(), "no process left behind");
  }

  /** One HTTP/1.1 keep-alive request on {@code socket}; the body of the answer. */
  private static String get(Socket socket, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection ended within the response head: " + head);
      }
      head.append((char) b);
    }
    int length = -1;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).strip());
      }
    }
    if (length < 0) {
      throw new IOException("no Content-Length: " + head);
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** The newest line of {@code process} starting with {@code prefix}. */
  private static String last(DemoProcess process, String prefix) {
    List<String> lines = process.stdout().stream().filter(line -> line.startsWith(prefix)).toList();
    return lines.get(lines.size() - 1);
  }

  /** Drops every packet that is not loopback in this namespace (WebRTC's; the apps' stay), or stops. */
  private void network(boolean down) throws IOException, InterruptedException {
    List<String> command = down
        ? List.of("iptables", "-w", "-I", "INPUT", "1", "!", "-s", "127.0.0.0/8", "-j", "DROP")
        : List.of("iptables", "-w", "-D", "INPUT", "!", "-s", "127.0.0.0/8", "-j", "DROP");
    Process iptables = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(iptables.waitFor(30, TimeUnit.SECONDS), "still running: " + command);
    String output = new String(iptables.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, iptables.exitValue(), "iptables: " + output);
    outage = down;
  }
}

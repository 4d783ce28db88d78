package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host and client as separate JVMs from the shaded jar, signaling by copy and paste through their standard streams,
 * a real HTTP client through the tunnel, then Ctrl-C. Runs in the test network namespace (the child processes
 * inherit it).
 */
@Timeout(90)
class OfflineTunnelIT {
  private static final Duration STEP = Duration.ofSeconds(60); // generous: two JVMs and ICE on a busy machine
  /** Shutdown.CLOSE_BUDGET_MS plus JVM exit; the issue requires exit within 2 s of the signal. */
  private static final Duration EXIT = Duration.ofSeconds(2);

  private HttpServer service;

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
  void stopService() {
    if (service != null) {
      service.stop(0);
    }
  }

  @Test
  void shouldTunnelHttpAfterPastingTokensAndApprovingThenStopCleanlyOnSigint(@TempDir Path dir) throws Exception {
    int clientPort = freePort();
    Path stats = dir.resolve("host-stats.jsonl");
    try (DemoProcess host = DemoProcess.start("host", "host", "--port", Integer.toString(service.getAddress()
            .getPort()), "--offline", "--no-stun", "--stats-json", stats.toString());
        DemoProcess client = DemoProcess.start("client", "client", "--port", Integer.toString(clientPort),
            "--offline", "--no-stun", "--name", "carol")) {
      String offer = client.awaitLine(line -> line.startsWith("p2pt1."), STEP);
      host.awaitLine(line -> line.startsWith("Paste the client's offer token"), STEP);
      host.type(offer);

      // The host hands its answer token to one person at once; the code is compared over the open channel.
      String answer = host.awaitLine(line -> line.startsWith("p2pt1."), STEP);
      client.type(answer);
      String clientCode = client.awaitLine(line -> line.startsWith("Short authentication code: ")
          && line.endsWith(" \u2014 waiting for the host to approve"), STEP);
      String code = clientCode.substring("Short authentication code: ".length(),
          "Short authentication code: ".length() + 7);
      host.awaitLine(line -> line.equals("Join request from 'carol', short authentication code " + code), STEP);
      assertTrue(client.stdout().stream().noneMatch(line -> line.startsWith("Connect your app to")),
          "nothing is shared before the approval");
      host.type("y");
      client.awaitLine(line -> line.equals("Connect your app to 127.0.0.1:" + clientPort), STEP);
      String hostCode = code;

      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + clientPort + "/page" + i)).timeout(STEP).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("served /page" + i, response.body());
      }
      host.awaitLine(line -> line.contains("client #1 'carol' (code " + hostCode + ") connected, path direct"), STEP);
      awaitStats(stats, "\"role\":\"host\",\"state\":\"OPEN\",\"path\":\"direct\",\"clients\":1,");

      // The client leaves with Ctrl-C: it exits 0 in time; the host reports it and waits for the next offer.
      client.signal("INT");
      assertEquals(0, client.awaitExit(EXIT), "client exit code after SIGINT; stderr " + client.stderr());
      host.awaitLine(line -> line.contains("client #1 'carol' (code " + hostCode + ") left: "), STEP);
      assertTrue(host.alive(), "the host keeps serving after a client left");
      host.awaitCount(line -> line.startsWith("Paste the client's offer token"), 2, STEP);

      host.signal("INT");
      assertEquals(0, host.awaitExit(EXIT), "host exit code after SIGINT; stderr " + host.stderr());
      assertEquals(List.of(), host.stderr(), "nothing went wrong on the host");
    }
    assertEquals(0, ProcessHandle.current().descendants().count(), "no process left behind");
  }

  @Test
  void shouldStopAWaitingClientOnSigtermAndReportAHostThatRefuses() throws Exception {
    try (DemoProcess host = DemoProcess.start("host", "host", "--port", Integer.toString(service.getAddress()
            .getPort()), "--offline", "--no-stun", "--quiet");
        DemoProcess client = DemoProcess.start("client", "client", "--port", "0", "--offline", "--no-stun",
            "--name", "mallory");
        DemoProcess waiting = DemoProcess.start("waiting", "client", "--port", "0", "--offline", "--no-stun")) {
      String offer = client.awaitLine(line -> line.startsWith("p2pt1."), STEP);
      host.type("not a token");
      host.type(offer);
      client.type(host.awaitLine(line -> line.startsWith("p2pt1."), STEP));
      host.awaitLine(line -> line.startsWith("Join request from 'mallory'"), STEP);
      host.type("n");
      // The refusal travels over the channel: the client says so and exits 1, having shared nothing.
      assertEquals(1, client.awaitExit(STEP), () -> "client exit code after the refusal; stdout " + client.stdout());
      List<String> refused = client.stderr();
      assertEquals(List.of("p2p-tunnel: the tunnel did not open: tunnel setup failed: the host refused; the host "
          + "said no; ask them to approve your join request"), refused);
      // A client still waiting for an answer token stops cleanly on SIGTERM.
      waiting.awaitLine(line -> line.startsWith("p2pt1."), STEP);
      waiting.signal("TERM");
      assertEquals(0, waiting.awaitExit(EXIT), "waiting client exit code after SIGTERM; stderr "
          + waiting.stderr());
      host.signal("TERM");
      assertEquals(0, host.awaitExit(EXIT), "host exit code after SIGTERM");
      assertEquals(List.of("p2p-tunnel: not an offer token: not a p2p-tunnel token: it does not start with p2pt1.; "
          + "paste it again"), host.stderr());
    }
    assertEquals(0, ProcessHandle.current().descendants().count(), "no process left behind");
  }

  @Test
  void shouldReportAHostThatGoesAwayAndExitOne() throws Exception {
    try (DemoProcess host = DemoProcess.start("host", "host", "--port", Integer.toString(service.getAddress()
            .getPort()), "--offline", "--no-stun", "--yes");
        DemoProcess client = DemoProcess.start("client", "client", "--port", "0", "--offline", "--no-stun")) {
      host.type(client.awaitLine(line -> line.startsWith("p2pt1."), STEP)); // --yes: approved once the code is in
      client.type(host.awaitLine(line -> line.startsWith("p2pt1."), STEP));
      client.awaitLine(line -> line.startsWith("Connect your app to 127.0.0.1:"), STEP);
      host.signal("TERM");
      assertEquals(0, host.awaitExit(EXIT), "host exit code after SIGTERM");
      assertEquals(1, client.awaitExit(STEP), "client exit code once the host has gone");
      List<String> errors = client.stderr();
      assertEquals(1, errors.size(), "one line: " + errors);
      assertTrue(errors.get(0).startsWith("p2p-tunnel: the tunnel closed: "), errors.get(0));
      assertTrue(errors.get(0).endsWith("; the host stopped or the network failed, run the client again to rejoin"),
          errors.get(0));
    }
    assertEquals(0, ProcessHandle.current().descendants().count(), "no process left behind");
  }

  /** Waits until the --stats-json file holds a line containing {@code fragment}. */
  private static void awaitStats(Path file, String fragment) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STEP.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readAllLines(file).stream().anyMatch(line -> line.contains(fragment))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no stats line with " + fragment + " in " + (Files.exists(file)
        ? Files.readAllLines(file) : "(no file)"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}

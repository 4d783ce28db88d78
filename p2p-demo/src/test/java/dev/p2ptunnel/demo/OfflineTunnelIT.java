package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host and client as separate JVMs from the shaded jar, signaling by copy and paste through their standard streams,
 * a real HTTP client through the tunnel, then Ctrl-C. Runs in the test network namespace (the child processes
 * inherit it).
 */
@Timeout(90)
class OfflineTunnelIT {
  private static final Duration STEP = Duration.ofSeconds(60); // generous: two JVMs and ICE on a busy machine
  /**
   * A bound on a hang, not a timing claim: the app bounds its own shutdown (Shutdown.CLOSE_BUDGET_MS), but a JVM on
   * a loaded machine took longer than 2 s to exit after it (OfflineTunnelIT at load 12).
   */
  private static final Duration EXIT = Duration.ofSeconds(30);

  @RegisterExtension
  final WebService service = WebService.echoingPaths();

  @BeforeEach
  void requireNamespace() {
    DemoProcess.assumeNamespace();
  }

  @Test
  void shouldTunnelHttpAfterPastingTokensAndApprovingThenStopCleanlyOnSigint(@TempDir Path dir) throws Exception {
    int clientPort = freePort();
    Path stats = dir.resolve("host-stats.jsonl");
    try (DemoProcess host = DemoProcess.start("host", "host", "--port", Integer.toString(service.port()), "--offline",
            "--no-stun", "--stats-json", stats.toString());
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
      assertNoNativeExitLines(client);
      host.awaitLine(line -> line.contains("client #1 'carol' (code " + hostCode + ") left: "), STEP);
      assertTrue(host.alive(), "the host keeps serving after a client left");
      host.awaitCount(line -> line.startsWith("Paste the client's offer token"), 2, STEP);

      host.signal("INT");
      assertEquals(0, host.awaitExit(EXIT), "host exit code after SIGINT; stderr " + host.stderr());
      assertEquals(List.of(), host.stderr(), "nothing went wrong on the host");
      assertNoNativeExitLines(host);
    }
    assertEquals(0, ProcessHandle.current().descendants().count(), "no process left behind");
  }

  @Test
  void shouldStopAWaitingClientOnSigtermAndReportAHostThatRefuses() throws Exception {
    try (DemoProcess host = DemoProcess.start("host", "host", "--port", Integer.toString(service.port()), "--offline",
            "--no-stun", "--quiet");
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
      assertNoNativeExitLines(client);
      // A client still waiting for an answer token stops cleanly on SIGTERM.
      waiting.awaitLine(line -> line.startsWith("p2pt1."), STEP);
      waiting.signal("TERM");
      assertEquals(0, waiting.awaitExit(EXIT), "waiting client exit code after SIGTERM; stderr "
          + waiting.stderr());
      assertNoNativeExitLines(waiting);
      host.signal("TERM");
      assertEquals(0, host.awaitExit(EXIT), "host exit code after SIGTERM");
      assertNoNativeExitLines(host);
      assertEquals(List.of("p2p-tunnel: not an offer token: not a p2p-tunnel token: it does not start with p2pt1.; "
          + "paste it again"), host.stderr());
    }
    assertEquals(0, ProcessHandle.current().descendants().count(), "no process left behind");
  }

  @Test
  void shouldReportAHostThatGoesAwayAndExitOne() throws Exception {
    try (DemoProcess host = DemoProcess.start("host", "host", "--port", Integer.toString(service.port()), "--offline",
            "--no-stun", "--yes");
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
      assertNoNativeExitLines(client);
    }
    assertEquals(0, ProcessHandle.current().descendants().count(), "no process left behind");
  }

  @Test
  void shouldShareATcpAndAUdpServiceThroughOneApprovalAndMapEachOnItsOwnPort(@TempDir Path dir) throws Exception {
    DatagramSocket echo = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    {
      Thread echoer = new Thread(() -> echoUntilClosed(echo), "udp-echo");
      echoer.start();
      int webPort = service.port();
      int echoPort = echo.getLocalPort();
      Path stats = dir.resolve("client-stats.jsonl");
      try (DemoProcess host = DemoProcess.start("host", "host", "--share", "web=" + webPort, "--share",
              "echo=" + echoPort + "/udp", "--offline", "--no-stun", "--yes");
          DemoProcess client = DemoProcess.start("client", "client", "--offline", "--no-stun", "--stats-json",
              stats.toString())) {
        host.awaitLine(line -> line.startsWith("Sharing web (127.0.0.1:" + webPort + "/tcp), echo (127.0.0.1:"
            + echoPort + "/udp) with up to 1 client at a time; nothing else is reachable."), STEP);
        host.type(client.awaitLine(line -> line.startsWith("p2pt1."), STEP));
        client.type(host.awaitLine(line -> line.startsWith("p2pt1."), STEP));
        client.awaitLine(line -> line.equals("The host shares web (" + webPort + "/tcp), echo (" + echoPort
            + "/udp)."), STEP);
        // Both ports are taken here (the services run on this machine): each goes to the next free port.
        String web = client.awaitLine(line -> line.startsWith("Connect your app to 127.0.0.1:")
            && line.endsWith(" for 'web' (port " + webPort + " on the host)"), STEP);
        String udp = client.awaitLine(line -> line.startsWith("Connect your app to 127.0.0.1:")
            && line.endsWith(" (UDP) for 'echo' (port " + echoPort + " on the host)"), STEP);
        int localWeb = localPort(web);
        int localUdp = localPort(udp);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + localWeb + "/both")).timeout(STEP).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals("served /both", response.body());

        // UDP is unreliable: ask again until an answer comes back (a lost datagram is allowed, a wrong one not).
        try (DatagramSocket app = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
          app.setSoTimeout(1_000);
          byte[] question = "ping over udp".getBytes(StandardCharsets.UTF_8);
          String answer = null;
          long deadline = System.nanoTime() + STEP.toNanos();
          while (answer == null && System.nanoTime() < deadline) {
            app.send(new DatagramPacket(question, question.length, InetAddress.getLoopbackAddress(), localUdp));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            try {
              app.receive(reply);
              answer = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
            } catch (SocketTimeoutException e) {
              // lost, or the flow is still being set up: send again
            }
          }
          assertEquals("echo: ping over udp", answer);
        }
        awaitStats(stats, "\"openFlows\":1");
        client.signal("INT");
        assertEquals(0, client.awaitExit(EXIT), "client exit code after SIGINT; stderr " + client.stderr());
        host.signal("INT");
        assertEquals(0, host.awaitExit(EXIT), "host exit code after SIGINT; stderr " + host.stderr());
        assertEquals(List.of(), host.stderr(), "nothing went wrong on the host");
      } finally {
        echo.close();
        echoer.join(STEP.toMillis());
      }
    }
    assertEquals(0, ProcessHandle.current().descendants().count(), "no process left behind");
  }

  /** Answers each datagram with "echo: " and its text, to its sender. */
  private static void echoUntilClosed(DatagramSocket socket) {
    byte[] buffer = new byte[2048];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        byte[] reply = ("echo: " + new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /**
   * libwebrtc's native code prints {@code VM attach current thread failed} and {@code Failed to attach thread N} on
   * standard output while the JVM exits (StdoutAtExit): none may reach the user. Reads the output to its end.
   */
  static void assertNoNativeExitLines(DemoProcess process) throws InterruptedException {
    List<String> out = process.stdoutToEnd(EXIT);
    assertEquals(List.of(), out.stream().filter(line -> line.contains("VM attach current thread failed")
        || line.contains("Failed to attach thread")).collect(java.util.stream.Collectors.toList()),
        "libwebrtc's exit lines on standard output");
  }

  /** The port of a "Connect your app to 127.0.0.1:PORT ..." line. */
  private static int localPort(String line) {
    String rest = line.substring("Connect your app to 127.0.0.1:".length());
    return Integer.parseInt(rest.substring(0, rest.indexOf(' ')));
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

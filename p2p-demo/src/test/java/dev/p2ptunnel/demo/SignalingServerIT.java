package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three commands as three JVMs from the shaded jar: {@code signal}, a {@code host} that opens a session on it,
 * a {@code client} that joins with the printed Session ID; approval typed on the host; HTTP through the tunnel;
 * then SIGINT to each. In the test network namespace.
 */
@Timeout(90)
class SignalingServerIT {
  private static final Duration STEP = Duration.ofSeconds(60); // generous: two JVMs and ICE on a busy machine
  /**
   * A bound on a hang, not a timing claim: the app bounds its own shutdown (Shutdown.CLOSE_BUDGET_MS), but a JVM on
   * a loaded machine took longer than 2 s to exit after it (OfflineTunnelIT at load 12).
   */
  private static final Duration EXIT = Duration.ofSeconds(30);

  @RegisterExtension
  final WebService service = WebService.answering("through the signaling server");

  @BeforeEach
  void requireNamespace() {
    DemoProcess.assumeNamespace();
  }

  @Test
  void shouldJoinBySessionIdApproveAndTunnelHttpThenStopAllThreeOnSigint() throws Exception {
    try (DemoProcess signal = DemoProcess.start("signal", "signal", "--port", "0", "--bind", "127.0.0.1")) {
      String listening = signal.awaitLine(line -> line.startsWith("Signaling server listening on 127.0.0.1:"), STEP);
      String url = "http://127.0.0.1:" + listening.substring(listening.lastIndexOf(':') + 1);
      try (DemoProcess host = DemoProcess.start("host", "host", "--port", Integer.toString(service.port()), "--signal",
          url, "--no-stun")) {
        String idLine = host.awaitLine(line -> line.startsWith("Session ID: "), STEP);
        String sessionId = idLine.substring("Session ID: ".length());
        try (DemoProcess client = DemoProcess.start("client", "client", "--signal", url, "--session", sessionId,
            "--port", "0", "--name", "alice", "--no-stun")) {
          String request = host.awaitLine(line -> line.startsWith("Join request from 'alice' at 127.0.0.1, short "
              + "authentication code "), STEP);
          String code = request.substring(request.length() - 7);
          client.awaitLine(line -> line.equals("Short authentication code: " + code
              + " \u2014 waiting for the host to approve"), STEP);
          assertTrue(client.stdout().stream().noneMatch(line -> line.startsWith("Connect your app to")),
              "nothing connects before the approval");
          host.type("y");
          String connect = client.awaitLine(line -> line.startsWith("Connect your app to 127.0.0.1:"), STEP);

          HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
          HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://"
              + connect.substring("Connect your app to ".length()) + "/")).timeout(STEP).build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(200, response.statusCode());
          assertEquals("through the signaling server", response.body());

          client.signal("INT");
          assertEquals(0, client.awaitExit(EXIT), "client exit code after SIGINT; stderr " + client.stderr());
        }
        host.signal("INT");
        assertEquals(0, host.awaitExit(EXIT), "host exit code after SIGINT; stderr " + host.stderr());
        assertEquals(List.of(), host.stderr());
      }
      signal.signal("INT");
      assertEquals(0, signal.awaitExit(EXIT), "signal exit code after SIGINT; stderr " + signal.stderr());
    }
    assertEquals(0, ProcessHandle.current().descendants().count(), "no process left behind");
  }
}

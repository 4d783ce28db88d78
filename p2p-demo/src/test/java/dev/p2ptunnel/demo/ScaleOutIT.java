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
 * Two {@code signal --redis} processes sharing one real redis-server, in the test network namespace: a host that
 * reaches the servers through a load balancer (a failover TCP proxy: instance A while it lives) and a client that
 * talks to instance B join and tunnel; then instance A is killed (SIGKILL) while the host waits, and the host carries
 * on through B: a second client joins and tunnels.
 */
@Timeout(420) // bounds a hang only
class ScaleOutIT {
  /**
   * A bound on one step (a JVM's start, a join), not a timing claim: at load ~25 two signaling JVMs starting at once
   * printed nothing within 30 s (2026-11-30, a full build beside four others).
   */
  private static final Duration STEP = Duration.ofSeconds(60);

  @RegisterExtension
  final WebService service = WebService.answering("through two signaling instances");

  @BeforeEach
  void requireNamespace() {
    DemoProcess.assumeNamespace();
  }

  private static int listeningPort(DemoProcess signal) throws InterruptedException {
    String line = signal.awaitLine(l -> l.startsWith("Signaling server listening on 127.0.0.1:"), STEP);
    return Integer.parseInt(line.substring("Signaling server listening on 127.0.0.1:".length()).split(",")[0]);
  }

  private void joinAndTunnel(DemoProcess host, String name, String urlB, String sessionId) throws Exception {
    try (DemoProcess client = DemoProcess.start(name, "client", "--signal", urlB, "--session", sessionId,
        "--port", "0", "--name", name, "--no-stun")) {
      host.awaitLine(line -> line.startsWith("Join request from '" + name + "'"), STEP);
      host.type("y");
      String connect = client.awaitLine(line -> line.startsWith("Connect your app to 127.0.0.1:"), STEP);
      HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
          .send(HttpRequest.newBuilder(URI.create("http://" + connect.substring("Connect your app to ".length())
              + "/")).timeout(STEP).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      assertEquals("through two signaling instances", response.body());
      client.signal("INT");
      assertEquals(0, client.awaitExit(Duration.ofSeconds(5)), "client exit code; stderr " + client.stderr());
    }
  }

  @Test
  void shouldJoinAcrossInstancesAndCarryOnWhenTheHostsInstanceIsKilled() throws Exception {
    DemoProcess a = null;
    try (DemoRedis redis = DemoRedis.start();
         DemoProcess b = DemoProcess.start("signal-b", "signal", "--port", "0", "--bind", "127.0.0.1", "--redis",
             redis.uri())) {
      a = DemoProcess.start("signal-a", "signal", "--port", "0", "--bind", "127.0.0.1", "--redis", redis.uri());
      int portA = listeningPort(a);
      int portB = listeningPort(b);
      String urlB = "http://127.0.0.1:" + portB;
      try (FailoverProxy balancer = new FailoverProxy(List.of(portA, portB));
           DemoProcess host = DemoProcess.start("host", "host", "--port", Integer.toString(service.port()), "--signal",
               "http://127.0.0.1:" + balancer.port(), "--no-stun")) {
        String sessionId = host.awaitLine(line -> line.startsWith("Session ID: "), STEP)
            .substring("Session ID: ".length());
        // A signaling server logs a poll when it ends: an idle one after its 25 s wait, one that brings a join at once.
        // So the test waits for the polls that bring the joins, not for idle ones to time out (50 s of this test).
        joinAndTunnel(host, "alice", urlB, sessionId);
        a.awaitLine(line -> line.contains("route=events"), STEP); // the poll that brought alice's join
        assertTrue(b.stdout().stream().anyMatch(line -> line.contains("route=join")), "alice joined through B");
        assertTrue(b.stdout().stream().noneMatch(line -> line.contains("route=events")), "the host polled A only");

        kill(a); // SIGKILL while the host's poll waits there
        joinAndTunnel(host, "bob", urlB, sessionId); // the host can hear of bob through B alone now
        b.awaitLine(line -> line.contains("route=events"), STEP); // the poll that brought bob's join

        host.signal("INT");
        assertEquals(0, host.awaitExit(Duration.ofSeconds(5)), "host exit code; stderr " + host.stderr());
      }
      b.signal("INT");
      assertEquals(0, b.awaitExit(Duration.ofSeconds(5)), "signal exit code; stderr " + b.stderr());
    } finally {
      if (a != null) {
        kill(a);
      }
    }
  }

  /** Ends {@code process} at once, as a crash would (destroyForcibly is SIGKILL). */
  private static void kill(DemoProcess process) {
    process.close();
  }
}

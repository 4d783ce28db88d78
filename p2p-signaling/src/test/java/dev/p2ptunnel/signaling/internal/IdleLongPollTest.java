package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.signaling.internal.Api.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1 000 hosts long-polling at once hold no server thread: the server keeps its fixed threads and answers other
 * requests while they wait. In a class of its own so that the thread counts are this test's alone.
 */
@Timeout(60)
class IdleLongPollTest {
  static final int POLLS = 1_000;

  @Test
  void shouldStayResponsiveWithAThousandIdleLongPolls() throws Exception {
    SignalingConfig config = SignalingConfig.builder().createsPerMinute(POLLS + 10)
        .createsPerMinutePerPrefix(POLLS + 10).requestsPerSecondPerAddress(10 * POLLS)
        .maxConnectionsPerAddress(2 * POLLS).build();
    ExecutorService clientThreads = Executors.newFixedThreadPool(4);
    try (Server server =
        Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config)) {
      int threadsBefore = Thread.getAllStackTraces().size();
      Api api = new Api(server.uri(), HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .executor(clientThreads).build());
      List<String[]> sessions = new ArrayList<>();
      for (int i = 0; i < POLLS; i++) {
        sessions.add(api.create(1));
      }
      long parkStart = System.nanoTime();
      List<CompletableFuture<Response>> polls = new ArrayList<>();
      for (String[] session : sessions) {
        polls.add(api.getAsync("/v1/sessions/" + session[0] + "/events?wait=10", session[1]));
      }
      while (server.load()[1] < POLLS) {
        assertTrue(System.nanoTime() - parkStart < TimeUnit.SECONDS.toNanos(20), "polls parked: "
            + server.load()[1]);
        Thread.sleep(10);
      }
      double parkMs = (System.nanoTime() - parkStart) / 1e6;

      long serverThreads = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("p2p-signaling") || t.getName().startsWith("Scheduler-"))
          .count();
      int threadsNow = Thread.getAllStackTraces().size();

      // Another client, on its own connection, while the 1 000 wait: a full create + join + host read.
      Api other = new Api(server.uri());
      long start = System.nanoTime();
      String[] session = other.create(1);
      assertEquals(202, other.join(session[0], "probe", SignalingServerTest.OFFER).status());
      Response read = other.get("/v1/sessions/" + session[0] + "/events?wait=0", session[1]);
      double probeMs = (System.nanoTime() - start) / 1e6;
      assertEquals("probe", read.body().at("/events/0/clientName").asText());
      assertTrue(polls.stream().noneMatch(CompletableFuture::isDone), "all 1 000 still waiting");

      System.out.printf("%d idle long-polls parked in %.0f ms; server threads %d (at most %d HTTP + state, polls, "
          + "timer, Jetty scheduler); JVM threads %d before, %d with the polls (client included); create+join+read "
          + "meanwhile %.1f ms%n", POLLS, parkMs, serverThreads, config.threads(), threadsBefore, threadsNow,
          probeMs);
      assertTrue(serverThreads <= config.threads() + 4, "server threads do not grow with waiting polls: "
          + serverThreads);

      // Their waits end on the state thread's timers, each with an empty answer.
      for (CompletableFuture<Response> poll : polls) {
        Response response = poll.get(30, TimeUnit.SECONDS);
        assertEquals(200, response.status(), response.toString());
        assertEquals(0, response.body().get("events").size());
      }
      assertEquals(0, server.load()[1]);
    } finally {
      clientThreads.shutdownNow();
    }
  }
}

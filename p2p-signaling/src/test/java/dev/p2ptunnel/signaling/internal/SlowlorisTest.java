package dev.p2ptunnel.signaling.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.signaling.SignalingConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 500 connections holding half-sent headers and 500 holding half-sent bodies, from 20 loopback addresses (50 each:
 * under the per-address cap, as a botnet would stay), while a legitimate client makes create → join → answer round
 * trips: they stay fast, the server's threads and heap stay bounded, and the header and body timeouts close every
 * attacking connection. Round-trip times are printed; the bound asserted is generous (load-independent).
 */
@Timeout(120)
class SlowlorisTest {
  static final int HALF_HEADERS = 500;
  static final int HALF_BODIES = 500;
  static final int ADDRESSES = 20;
  static final int ROUND_TRIPS = 30;

  @Test
  void shouldServeARoundTripFastWhileAThousandSlowConnectionsAreHeld() throws Exception {
    Duration timeout = Duration.ofSeconds(20); // long enough to measure on a busy machine while all are held
    // The legitimate client makes many round trips in a row: its own creation and join limits are raised.
    SignalingConfig config = SignalingConfig.builder().headerTimeout(timeout).bodyTimeout(timeout)
        .createsPerMinute(1_000).createsPerMinutePerPrefix(1_000).joinsPerMinute(1_000)
        .requestsPerSecondPerAddress(1_000).build();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<Raw> attackers = new ArrayList<>();
    try (Server server = Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config)) {
      Api api = new Api(server.uri());
      roundTrip(api); // warm-up (class loading, JIT) before anything is measured
      System.gc();
      long heapBefore = memory.getHeapMemoryUsage().getUsed();
      long threadsBefore = serverThreads();

      long openStart = System.nanoTime();
      for (int i = 0; i < HALF_HEADERS + HALF_BODIES; i++) {
        Raw raw = new Raw(server.address(), InetAddress.getByName("127.0.1." + (1 + i % ADDRESSES)));
        attackers.add(raw);
        if (i < HALF_HEADERS) {
          raw.write("POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: appli");
        } else {
          raw.write("POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 4000\r\n\r\n{\"maxClients\": ");
        }
      }
      System.out.printf("%d slow connections open in %.0f ms%n", attackers.size(),
          (System.nanoTime() - openStart) / 1e6);
      awaitConnections(server, HALF_HEADERS + HALF_BODIES);

      double[] ms = new double[ROUND_TRIPS];
      for (int i = 0; i < ROUND_TRIPS; i++) {
        long start = System.nanoTime();
        roundTrip(api);
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
      long held = (System.nanoTime() - openStart) / 1_000_000;
      assertTrue(held < timeout.toMillis(), "measured while every slow connection was still held (" + held + " ms)");
      System.gc();
      long heapGrowth = memory.getHeapMemoryUsage().getUsed() - heapBefore;
      long threads = serverThreads();
      Arrays.sort(ms);
      System.out.printf("create+join+answer round trip with %d half-sent heads and %d half-sent bodies held: "
          + "median %.1f ms, max %.1f ms (%d round trips); server threads %d before, %d with them; heap +%d KiB "
          + "after GC%n", HALF_HEADERS, HALF_BODIES, ms[ROUND_TRIPS / 2], ms[ROUND_TRIPS - 1], ROUND_TRIPS,
          threadsBefore, threads, heapGrowth / 1024);
      assertTrue(ms[ROUND_TRIPS / 2] < 2_000, "round trips stay fast: median " + ms[ROUND_TRIPS / 2] + " ms");
      assertTrue(threads <= config.threads() + 4, "threads bounded: " + threads);
      assertTrue(heapGrowth < 64L << 20, "heap bounded: +" + heapGrowth / 1024 + " KiB");

      // The deadlines close every one of them: none is left to the attacker.
      long closeStart = System.nanoTime();
      int closed = 0;
      for (Raw raw : attackers) {
        raw.socket.setSoTimeout((int) timeout.multipliedBy(3).toMillis());
        String rest = raw.readAll();
        assertTrue(rest.isEmpty() || rest.startsWith("HTTP/1.1 408"), "closed, or a 408 then closed: " + rest);
        closed++;
      }
      System.out.printf("all %d closed by the server %.1f s after they opened (timeouts %d s)%n", closed,
          (System.nanoTime() - openStart) / 1e9, timeout.toSeconds());
      assertEquals(HALF_HEADERS + HALF_BODIES, closed);
      awaitConnections(server, 0);
      assertTrue(System.nanoTime() - closeStart < TimeUnit.SECONDS.toNanos(60));
    } finally {
      for (Raw raw : attackers) {
        raw.close();
      }
    }
  }

  /** A host creates a session, a client joins, the host reads it and answers, the client reads the answer. */
  private static void roundTrip(Api api) throws Exception {
    String[] session = api.create(1);
    String joinId = api.join(session[0], "alice", SignalingServerTest.OFFER).body().get("joinId").asText();
    api.get("/v1/sessions/" + session[0] + "/events?wait=0", session[1]);
    assertEquals(200, api.post("/v1/sessions/" + session[0] + "/joins/" + joinId + "/approve", session[1],
        Api.json().put("answer", SignalingServerTest.ANSWER)).status());
    assertEquals("approved", api.get("/v1/sessions/" + session[0] + "/joins/" + joinId + "?wait=0", null).body()
        .get("status").asText());
  }

  private static long serverThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("p2p-signaling") || t.getName().startsWith("Scheduler-")).count();
  }

  private static void awaitConnections(Server server, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count == 0 ? server.connections() > 1 : server.connections() < count) {
      assertTrue(System.nanoTime() < deadline, "connections: " + server.connections() + ", expected " + count);
      Thread.sleep(10);
    }
  }
}

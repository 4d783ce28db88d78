package dev.p2ptunnel.signaling.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.internal.Api.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two server instances on one real Redis: a host waiting on instance A is woken by a client posting to instance B,
 * and the whole two-stage join crosses between them; instance A stops while the host waits and B carries on with
 * nothing lost; a restarted A serves the same sessions; sessions expire through Redis TTLs.
 */
@Timeout(120)
class MultiInstanceTest {
  static final String B32 = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
  static final String FP = "sha-256 " + "AB:".repeat(31) + "AB";

  private RedisServer redis;
  private Server a;
  private Server b;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
  }

  private Server instance(SignalingConfig config) throws Exception {
    return Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        config.toBuilder().redis(redis.uri()).build());
  }

  @AfterEach
  void stop() throws Exception {
    for (Server server : new Server[] {a, b}) {
      if (server != null) {
        server.close();
      }
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void shouldCarryTheTwoStageJoinBetweenAHostOnOneInstanceAndAClientOnAnother() throws Exception {
    a = instance(SignalingConfig.defaults());
    b = instance(SignalingConfig.defaults());
    Api onA = new Api(a.uri());
    Api onB = new Api(b.uri());
    String[] s = onA.create(1);
    CompletableFuture<Response> hostPoll = onA.getAsync("/v1/sessions/" + s[0] + "/events?wait=20", s[1]);
    awaitParked(a, 1);
    long start = System.nanoTime();
    Response joined = onB.post("/v1/sessions/" + s[0] + "/joins", null, Api.json().put("clientName", "alice")
        .put("offer", SignalingServerTest.OFFER).put("commitment", B32));
    assertEquals(202, joined.status(), joined.toString());
    Response events = hostPoll.get(10, TimeUnit.SECONDS);
    System.out.printf("host poll on A woken %.1f ms after the join posted to B%n", (System.nanoTime() - start) / 1e6);
    assertEquals("alice", events.body().at("/events/0/clientName").asText());
    String joinId = joined.body().get("joinId").asText();
    String join = "/v1/sessions/" + s[0] + "/joins/" + joinId;

    CompletableFuture<Response> clientPoll = onB.getAsync(join + "?since=pending&wait=20", null);
    awaitParked(b, 1);
    assertEquals(200, onA.post(join + "/challenge", s[1], Api.json().put("fingerprint", FP).put("nonce", B32))
        .status());
    assertEquals("challenged", clientPoll.get(10, TimeUnit.SECONDS).body().get("status").asText());
    CompletableFuture<Response> reveal = onA.getAsync("/v1/sessions/" + s[0] + "/events?after=1&wait=20", s[1]);
    awaitParked(a, 1);
    assertEquals(200, onB.post(join + "/reveal", null, Api.json().put("nonce", B32)).status());
    assertEquals("reveal", reveal.get(10, TimeUnit.SECONDS).body().at("/events/0/type").asText());
    CompletableFuture<Response> decision = onB.getAsync(join + "?since=revealed&wait=20", null);
    awaitParked(b, 1);
    onA.post(join + "/approve", s[1], Api.json().put("answer", SignalingServerTest.ANSWER));
    Response approved = decision.get(10, TimeUnit.SECONDS);
    assertEquals("approved", approved.body().get("status").asText());
    assertEquals(SignalingServerTest.ANSWER, approved.body().get("answer").asText());
    assertEquals(409, onB.post("/v1/sessions/" + s[0] + "/joins", null, Api.json().put("clientName", "bob")
        .put("offer", SignalingServerTest.OFFER)).status(), "B sees the slot A's host filled");
  }

  @Test
  void shouldLetTheHostCarryOnThroughTheOtherInstanceWhenOneStopsAndLoseNothingOnARestart() throws Exception {
    a = instance(SignalingConfig.defaults());
    b = instance(SignalingConfig.defaults());
    Api onA = new Api(a.uri());
    Api onB = new Api(b.uri());
    String[] s = onA.create(1);
    String pending = onB.join(s[0], "early", SignalingServerTest.OFFER).body().get("joinId").asText();
    CompletableFuture<Response> waiting = onA.getAsync("/v1/sessions/" + s[0] + "/events?after=1&wait=20", s[1]);
    awaitParked(a, 1);
    a.close();
    Response told = waiting.get(10, TimeUnit.SECONDS);
    assertEquals(503, told.status(), "the stopping instance tells its waiting host to poll again: " + told);
    assertEquals("server_closing", told.error());
    CompletableFuture<Response> again = onB.getAsync("/v1/sessions/" + s[0] + "/events?after=1&wait=20", s[1]);
    awaitParked(b, 1);
    Response joined = onB.join(s[0], "alice", SignalingServerTest.OFFER);
    assertEquals(202, joined.status(), joined.toString());
    Response events = again.get(10, TimeUnit.SECONDS);
    assertEquals("alice", events.body().at("/events/0/clientName").asText(), "the host carries on through B");

    a = instance(SignalingConfig.defaults());
    onA = new Api(a.uri());
    Response all = onA.get("/v1/sessions/" + s[0] + "/events?wait=0", s[1]);
    assertEquals(2, all.body().get("events").size(), "the restarted A knows both joins: " + all);
    assertEquals(pending, all.body().at("/events/0/joinId").asText());
    assertEquals(200, onA.post("/v1/sessions/" + s[0] + "/joins/" + pending + "/reject", s[1],
        Api.json().put("reason", "not you")).status());
    assertEquals("rejected", onB.get("/v1/sessions/" + s[0] + "/joins/" + pending + "?wait=0", null).body()
        .get("status").asText());
  }

  @Test
  void shouldExpireSessionsAndJoinsThroughRedisTtls() throws Exception {
    a = instance(SignalingConfig.builder().unjoinedSessionTtl(Duration.ofSeconds(1)).build());
    b = instance(SignalingConfig.builder().unjoinedSessionTtl(Duration.ofSeconds(1)).build());
    Api onA = new Api(a.uri());
    String[] s = onA.create(1);
    String key = "p2pt:{" + s[0].replace("-", "") + "}:s";
    long ttl = Long.parseLong(redis.command("PTTL " + key).trim().substring(1));
    assertTrue(ttl > 0 && ttl <= 1_000, "the session key carries the unjoined TTL: " + ttl + " ms");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!redis.command("EXISTS " + key).startsWith(":0")) {
      assertTrue(System.nanoTime() < deadline, "Redis expired the session key");
      Thread.sleep(50);
    }
    Response gone = new Api(b.uri()).join(s[0], "late", SignalingServerTest.OFFER);
    assertEquals(410, gone.status(), gone.toString());
    assertEquals("session_expired", gone.error());
    assertEquals("session " + s[0] + " expired: its host was silent for more than 1 s", gone.message());
    assertFalse(redis.command("KEYS p2pt:{" + s[0].replace("-", "") + "}:j:*").contains("j:"), "no join left");
  }

  private static void awaitParked(Server server, int polls) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.load()[1] < polls) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("polls never parked: " + server.load()[1]);
      }
      Thread.sleep(5);
    }
  }
}

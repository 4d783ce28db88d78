package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.api.SessionIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.signaling.internal.Api.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The two-stage join, withdrawals, claimed Session IDs and the join limits, over real HTTP on 127.0.0.1. */
@Timeout(90) // bounds a hang only: beside other builds a start alone has taken over 10 s
class JoinFlowServerTest {
  static final String OFFER = SignalingServerTest.OFFER;
  static final String ANSWER = SignalingServerTest.ANSWER;
  static final String B32 = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
  static final String FP = "sha-256 " + "AB:".repeat(31) + "AB";

  private Server server;
  private Api api;

  private void start(SignalingConfig config) throws IOException {
    server = Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), adapt(config));
    api = new Api(server.uri());
  }

  /** The store under test: in memory here; {@code Redis…Test} subclasses put the same tests on Redis. */
  SignalingConfig adapt(SignalingConfig config) {
    return config;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private String pairedJoin(String session, String name) throws Exception {
    Response joined = api.post("/v1/sessions/" + session + "/joins", null,
        Api.json().put("clientName", name).put("offer", OFFER).put("commitment", B32));
    assertEquals(202, joined.status(), joined.toString());
    return joined.body().get("joinId").asText();
  }

  @Test
  void shouldCarryChallengeRevealAndAnswerInThatOrder() throws Exception {
    start(SignalingConfig.defaults());
    String[] s = api.create(1);
    String join = "/v1/sessions/" + s[0] + "/joins/";
    String joinId = pairedJoin(s[0], "alice");
    Response events = api.get("/v1/sessions/" + s[0] + "/events?wait=0", s[1]);
    assertEquals(B32, events.body().at("/events/0/commitment").asText());

    CompletableFuture<Response> client = api.getAsync(join + joinId + "?since=pending&wait=20", null);
    awaitParked(1);
    Response early = api.post(join + joinId + "/reveal", null, Api.json().put("nonce", B32));
    assertEquals(409, early.status(), "no reveal before the challenge");
    assertEquals("join request " + joinId + " is pending; it can be revealed only when challenged", early.message());
    assertEquals(200, api.post(join + joinId + "/challenge", s[1], Api.json().put("fingerprint", FP)
        .put("nonce", B32)).status());
    Response challenged = client.get(5, TimeUnit.SECONDS);
    assertEquals("challenged", challenged.body().get("status").asText());
    assertEquals(FP, challenged.body().at("/challenge/fingerprint").asText());
    assertEquals(B32, challenged.body().at("/challenge/nonce").asText());
    assertTrue(challenged.body().path("answer").isMissingNode(), "no answer (no host address) before approval");

    Response notYet = api.post(join + joinId + "/approve", s[1], Api.json().put("answer", ANSWER));
    assertEquals(409, notYet.status());
    assertEquals("not_revealed", notYet.error());

    CompletableFuture<Response> host = api.getAsync("/v1/sessions/" + s[0] + "/events?after=1&wait=20", s[1]);
    awaitParked(1);
    assertEquals(200, api.post(join + joinId + "/reveal", null, Api.json().put("nonce", B32)
        .put("certificate", "AQID").put("proof", "BAUG")).status());
    Response reveal = host.get(5, TimeUnit.SECONDS);
    assertEquals("reveal", reveal.body().at("/events/0/type").asText());
    assertEquals("AQID", reveal.body().at("/events/0/certificate").asText());
    assertEquals("BAUG", reveal.body().at("/events/0/proof").asText());

    CompletableFuture<Response> decision = api.getAsync(join + joinId + "?since=revealed&wait=20", null);
    awaitParked(1);
    api.post(join + joinId + "/approve", s[1], Api.json().put("answer", ANSWER));
    Response approved = decision.get(5, TimeUnit.SECONDS);
    assertEquals("approved", approved.body().get("status").asText());
    assertEquals(ANSWER, approved.body().get("answer").asText());
  }

  @Test
  void shouldTellTheHostWhenAClientWithdrawsAndFreeItsPlace() throws Exception {
    start(SignalingConfig.defaults());
    String[] s = api.create(1);
    String joinId = pairedJoin(s[0], "alice");
    Response withdrawn = api.post("/v1/sessions/" + s[0] + "/joins/" + joinId + "/withdraw", null,
        Api.json().put("reason", "stopped with Ctrl-C"));
    assertEquals("withdrawn", withdrawn.body().get("status").asText());
    Response events = api.get("/v1/sessions/" + s[0] + "/events?after=1&wait=0", s[1]);
    assertEquals("withdrawn", events.body().at("/events/0/type").asText());
    assertEquals("stopped with Ctrl-C", events.body().at("/events/0/reason").asText());
    assertEquals(409, api.post("/v1/sessions/" + s[0] + "/joins/" + joinId + "/approve", s[1],
        Api.json().put("answer", ANSWER)).status());
  }

  @Test
  void shouldGiveAClaimedSessionTheSameIdAfterARestartAndReplaceTheOldOne() throws Exception {
    start(SignalingConfig.defaults());
    String claim = Base64.getUrlEncoder().withoutPadding().encodeToString("0123456789abcdef0123456789abcdef"
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Response first = api.post("/v1/sessions", null, Api.json().put("claim", claim));
    Response second = api.post("/v1/sessions", null, Api.json().put("claim", claim));
    assertEquals(201, second.status(), second.toString());
    String id = first.body().get("sessionId").asText();
    assertEquals(id, second.body().get("sessionId").asText());
    assertEquals(SessionIds.display(SessionIds.fromClaim(claim)), id);
    Response old = api.get("/v1/sessions/" + id + "/events?wait=0", first.body().get("hostSecret").asText());
    assertEquals(410, old.status(), "the old host's secret no longer works: " + old);
    assertEquals("session_replaced", old.error(), "and the old host learns why");
    assertEquals(403, api.get("/v1/sessions/" + id + "/events?wait=0", "x" + first.body().get("hostSecret").asText())
        .status(), "any other secret is just wrong");
    assertEquals(202, api.join(id, "alice", OFFER).status());
    assertFalse(api.create(1)[0].equals(id));
  }

  @Test
  void shouldLimitUndecidedJoinsPerAddressAndJoinsPerSession() throws Exception {
    start(SignalingConfig.builder().joinsPerMinute(100).joinsPerSessionPerMinute(3).build());
    String[] s = api.create(1);
    long firstJoin = System.nanoTime();
    api.join(s[0], "a", OFFER);
    api.join(s[0], "b", OFFER);
    Response third = api.join(s[0], "c", OFFER);
    assertEquals(429, third.status());
    assertEquals("too_many_joins", third.error());
    assertEquals("session " + s[0] + " already has 2 join requests from 127.0.0.1 waiting for the host",
        third.message());
    Response rate = api.join(s[0], "d", OFFER);
    long elapsedS = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - firstJoin) + 1;
    assertEquals(429, rate.status());
    // One join back every 20 s: the wait is 20 s less what the four requests took (seconds on a busy machine).
    Matcher m = Pattern.compile("too many join requests to session " + Pattern.quote(s[0])
        + ": at most 3 a minute; retry after (\\d+) s").matcher(rate.message());
    assertTrue(m.matches(), rate.message());
    int retryS = Integer.parseInt(m.group(1));
    assertTrue(retryS <= 20 && retryS >= 20 - elapsedS, retryS + " s after " + elapsedS + " s: " + rate.message());
  }

  @Test
  void shouldSayTheHostIsNotAnsweringWhenItStoppedPolling() throws Exception {
    // Silence limit = 3 poll waits = 6 s: the first join must come within 6 s of the create even on a loaded
    // machine (with 100 ms waits it failed there: 300 ms passed between two requests).
    start(SignalingConfig.builder().maxPollWait(Duration.ofSeconds(2)).build());
    String[] s = api.create(1);
    Response fresh = api.join(s[0], "alice", OFFER);
    assertEquals(202, fresh.status(), "a host that just created its session counts as present");
    Thread.sleep(6_500); // the silence under test: longer than 3 poll waits (the session itself lives an hour)
    Response silent = api.join(s[0], "bob", OFFER);
    assertEquals(409, silent.status(), silent.toString());
    assertEquals("host_not_answering", silent.error());
    assertTrue(silent.message().startsWith("the host of session " + s[0] + " is not answering: it last asked for "
        + "join requests "), silent.message());
    api.get("/v1/sessions/" + s[0] + "/events?wait=0", s[1]);
    assertEquals(202, api.join(s[0], "carol", OFFER).status(), "a host that polls again is there");
  }

  private void awaitParked(int polls) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (server.load()[1] < polls) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("polls never parked: " + server.load()[1]);
      }
      Thread.sleep(5);
    }
  }
}

package dev.p2ptunnel.signaling.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.signaling.internal.Api.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ICE restarts of an approved join through the server (docs/SIGNALING.md, "ICE restart through the server"): the
 * client's offer reaches the host on its feed, the host's answer reaches the client's poll; who may do what, and
 * what is refused. Over real HTTP on 127.0.0.1; {@code RedisStoreTests} runs the same on Redis.
 */
@Timeout(90) // bounds a hang only
class RestartServerTest extends ApprovedJoinFixture {
  @Test
  void shouldCarryTheRestartOfferToTheHostAndItsAnswerToTheClient() throws Exception {
    startApproved();
    Response events = api.get("/v1/sessions/" + s[0] + "/events?wait=0", s[1]);
    long after = events.body().at("/events/0/seq").asLong();
    CompletableFuture<Response> host = api.getAsync("/v1/sessions/" + s[0] + "/events?after=" + after + "&wait=20",
        s[1]);
    awaitParked(1);

    Response posted = restart(RESTART_OFFER);
    assertEquals(202, posted.status(), posted.toString());
    assertEquals(1, posted.body().get("restart").asInt());
    assertEquals("approved", posted.body().get("status").asText());
    Response event = host.get(10, TimeUnit.SECONDS);
    assertEquals("restart", event.body().at("/events/0/type").asText(), event.toString());
    assertEquals(joinId, event.body().at("/events/0/joinId").asText());
    assertEquals(1, event.body().at("/events/0/restart").asInt());
    assertEquals(RESTART_OFFER, event.body().at("/events/0/offer").asText());

    CompletableFuture<Response> client = api.getAsync(join + "?since=approved&restart=1&wait=20", null);
    awaitParked(1);
    Response answered = api.post(join + "/restart-answer", s[1], Api.json().put("restart", 1)
        .put("answer", RESTART_ANSWER));
    assertEquals(200, answered.status(), answered.toString());
    Response reply = client.get(10, TimeUnit.SECONDS);
    assertEquals("approved", reply.body().get("status").asText());
    assertEquals(1, reply.body().at("/restartAnswer/restart").asInt());
    assertEquals(RESTART_ANSWER, reply.body().at("/restartAnswer/answer").asText());
    assertEquals(ANSWER, reply.body().get("answer").asText(), "the join's own answer stays");

    long seq = event.body().at("/events/0/seq").asLong();
    Response later = api.get("/v1/sessions/" + s[0] + "/events?after=" + (seq - 1) + "&wait=0", s[1]);
    assertEquals(0, later.body().get("events").size(), "an answered restart is no longer news: " + later);
  }

  @Test
  void shouldOfferTheHostOnlyTheLatestRestartAndRefuseAnAnswerToAnOlderOne() throws Exception {
    startApproved();
    assertEquals(1, restart(RESTART_OFFER).body().get("restart").asInt());
    CompletableFuture<Response> waiting = api.getAsync(join + "?since=approved&restart=1&wait=20", null);
    awaitParked(1);
    assertEquals(2, restart(RESTART_OFFER + "a=x:2\r\n").body().get("restart").asInt());
    Response superseded = waiting.get(10, TimeUnit.SECONDS);
    assertEquals(2, superseded.body().get("restart").asInt(), "the poll for restart 1 learns of restart 2");
    assertTrue(superseded.body().path("restartAnswer").isMissingNode(), superseded.toString());

    Response events = api.get("/v1/sessions/" + s[0] + "/events?wait=0", s[1]);
    long restarts = 0;
    for (var e : events.body().get("events")) {
      if (e.get("type").asText().equals("restart")) {
        restarts++;
        assertEquals(2, e.get("restart").asInt());
      }
    }
    assertEquals(1, restarts, events.toString());
    Response old = api.post(join + "/restart-answer", s[1], Api.json().put("restart", 1).put("answer", ANSWER));
    assertEquals(409, old.status());
    assertEquals("wrong_state", old.error());
    assertEquals("ICE restart 1 of join request " + joinId + " was superseded by restart 2 (expected: an answer to "
        + "the latest restart, once)", old.message());
    assertEquals(200, api.post(join + "/restart-answer", s[1], Api.json().put("restart", 2).put("answer", ANSWER))
        .status());
    Response twice = api.post(join + "/restart-answer", s[1], Api.json().put("restart", 2).put("answer", ANSWER));
    assertEquals("ICE restart 2 of join request " + joinId + " was already answered (expected: an answer to the "
        + "latest restart, once)", twice.message());
    Response ahead = api.post(join + "/restart-answer", s[1], Api.json().put("restart", 7).put("answer", ANSWER));
    assertEquals("join request " + joinId + " has no ICE restart 7 (its latest is 2) (expected: an answer to the "
        + "latest restart, once)", ahead.message());
  }

  @Test
  void shouldLetOnlyTheJoinsClientAndTheSessionsHostTakePart() throws Exception {
    startApproved();
    Response unknown = api.post("/v1/sessions/" + s[0] + "/joins/AAAAAAAAAAAAAAAAAAAAAA/restart", null,
        Api.json().put("offer", RESTART_OFFER));
    assertEquals(404, unknown.status(), "a guessed join ID is no authority: " + unknown);
    assertEquals("join_not_found", unknown.error());
    String[] other = api.create(1);
    Response elsewhere = api.post("/v1/sessions/" + other[0] + "/joins/" + joinId + "/restart", null,
        Api.json().put("offer", RESTART_OFFER));
    assertEquals(404, elsewhere.status(), "the join ID counts in its own session only");
    restart(RESTART_OFFER);
    Response noSecret = api.post(join + "/restart-answer", null, Api.json().put("restart", 1).put("answer", ANSWER));
    assertEquals(403, noSecret.status());
    Response wrongSecret = api.post(join + "/restart-answer", other[1], Api.json().put("restart", 1)
        .put("answer", ANSWER));
    assertEquals(403, wrongSecret.status());
    assertEquals("wrong host secret for session " + s[0], wrongSecret.message());
  }

  @Test
  void shouldRefuseARestartOfAJoinThatIsNotApprovedOrHasEnded() throws Exception {
    startApproved(2);
    Response pending = api.join(s[0], "bob", OFFER);
    String bob = pending.body().get("joinId").asText();
    Response early = api.post("/v1/sessions/" + s[0] + "/joins/" + bob + "/restart", null,
        Api.json().put("offer", RESTART_OFFER));
    assertEquals(409, early.status());
    assertEquals("join request " + bob + " is pending; it can be restarted only when approved", early.message());
    assertEquals(200, api.post("/v1/sessions/" + s[0] + "/joins/" + bob + "/reject", s[1],
        Api.json().put("reason", "no")).status());
    Response rejected = api.post("/v1/sessions/" + s[0] + "/joins/" + bob + "/restart", null,
        Api.json().put("offer", RESTART_OFFER));
    assertEquals(409, rejected.status());
    assertEquals("wrong_state", rejected.error());
    assertEquals("join request " + bob + " is rejected; it can be restarted only when approved", rejected.message());
  }

  @Test
  void shouldStillCarryRestartsOfAJoinWhosePlaceTheHostFreed() throws Exception {
    startApproved();
    assertEquals(200, api.post(join + "/leave", s[1], Api.json().put("reason", "lost")).status());
    Response posted = restart(RESTART_OFFER);
    assertEquals(202, posted.status(), "the client may come back on its connection: " + posted);
    assertEquals("left", posted.body().get("status").asText());
    Response events = api.get("/v1/sessions/" + s[0] + "/events?wait=0", s[1]);
    assertEquals("restart", events.body().at("/events/0/type").asText(), events.toString());
    CompletableFuture<Response> client = api.getAsync(join + "?since=left&restart=1&wait=20", null);
    awaitParked(1);
    assertEquals(200, api.post(join + "/restart-answer", s[1], Api.json().put("restart", 1)
        .put("answer", RESTART_ANSWER)).status());
    Response reply = client.get(10, TimeUnit.SECONDS);
    assertEquals(RESTART_ANSWER, reply.body().at("/restartAnswer/answer").asText(), reply.toString());
    assertEquals(202, api.join(s[0], "bob", OFFER).status(), "and its place is free for another client");
  }

  @Test
  void shouldNameWhatIsWrongWithABadRestartRequest() throws Exception {
    startApproved();
    Response noOffer = api.post(join + "/restart", null, Api.json());
    assertEquals(400, noOffer.status());
    assertEquals("offer: missing (expected: a string)", noOffer.message());
    Response notSdp = restart("hello");
    assertEquals(400, notSdp.status());
    assertEquals("invalid_field", notSdp.error());
    Response noNumber = api.post(join + "/restart-answer", s[1], Api.json().put("answer", ANSWER));
    assertEquals(400, noNumber.status());
    assertEquals("missing_field", noNumber.error());
    Response zero = api.post(join + "/restart-answer", s[1], Api.json().put("restart", 0).put("answer", ANSWER));
    assertEquals("restart: 0 (expected: an integer 1..2147483647)", zero.message());
    Response badQuery = api.get(join + "?since=approved&restart=-1&wait=0", null);
    assertEquals(400, badQuery.status());
    assertEquals("invalid_query", badQuery.error());
    Response get = api.get(join + "/restart", null);
    assertEquals(405, get.status());
  }

  @Test
  void shouldLimitRestartsOfOneJoin() throws Exception {
    startApproved();
    // A bucket of 30 refilled evenly over a minute (one every 2 s): on a busy machine the restarts below take long
    // enough to earn some back, so the refusal must come within 30 plus what the time they took earned, not at 31.
    long started = System.nanoTime();
    int passed = 0;
    Response flood = restart(RESTART_OFFER);
    while (flood.status() == 202 && passed < 10 * Limits.RESTARTS_PER_MINUTE) {
      passed++;
      flood = restart(RESTART_OFFER);
    }
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertEquals(429, flood.status(), flood.toString());
    long earned = tookMs * Limits.RESTARTS_PER_MINUTE / 60_000 + 1;
    assertTrue(passed >= Limits.RESTARTS_PER_MINUTE && passed <= Limits.RESTARTS_PER_MINUTE + earned,
        passed + " restarts accepted in " + tookMs + " ms (expected: 30, and at most " + earned + " more)");
    assertEquals("rate_limited", flood.error());
    assertTrue(flood.message().startsWith("too many ICE restarts of join request " + joinId + ": at most 30 a minute;"),
        flood.message());
  }
}

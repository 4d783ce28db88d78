package dev.p2ptunnel.signaling.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.signaling.internal.Api.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host ends an accepted join once it no longer keeps the client (docs/SIGNALING.md, "ICE restart through the
 * server"): its {@code reject} of a left join makes it {@code rejected}, so that the client's waiting
 * restart poll answers at once and its next restart is refused, instead of waiting for an answer no one sends. Over
 * real HTTP on 127.0.0.1; {@code RedisStoreTests} runs the same on Redis.
 */
@Timeout(90) // bounds a hang only
class RestartRefusalServerTest extends ApprovedJoinFixture {
  private static final String GONE = "the host no longer keeps this client: it did not come back within 2 min";

  @Test
  void shouldAnswerAWaitingRestartAndRefuseTheNextOnceTheHostEndsALeftJoin() throws Exception {
    startApproved();
    assertEquals(200, api.post(join + "/leave", s[1], Api.json().put("reason", "lost")).status());
    Response posted = restart(RESTART_OFFER);
    assertEquals(202, posted.status(), posted.toString());
    CompletableFuture<Response> client = api.getAsync(join + "?since=left&restart=1&wait=20", null);
    awaitParked(1);

    Response ended = api.post(join + "/reject", s[1], Api.json().put("reason", GONE));
    assertEquals(200, ended.status(), ended.toString());
    assertEquals("rejected", ended.body().get("status").asText());
    Response reply = client.get(10, TimeUnit.SECONDS);
    assertEquals("rejected", reply.body().get("status").asText(), "the waiting client hears it at once: " + reply);
    assertEquals(GONE, reply.body().get("reason").asText());

    Response again = restart(RESTART_OFFER);
    assertEquals(409, again.status(), again.toString());
    assertEquals("wrong_state", again.error());
    assertEquals("join request " + joinId + " is rejected; it can be restarted only when approved", again.message());
    Response events = api.get("/v1/sessions/" + s[0] + "/events?wait=0", s[1]);
    for (com.fasterxml.jackson.databind.JsonNode event : events.body().get("events")) {
      assertEquals(false, "restart".equals(event.path("type").asText()), "no restart left to answer: " + events);
    }
  }

  @Test
  void shouldKeepAnApprovedJoinsDecisionFinal() throws Exception {
    startApproved();
    Response reject = api.post(join + "/reject", s[1], Api.json().put("reason", GONE));
    assertEquals(409, reject.status(), "only a join whose place the host freed can be ended: " + reject);
    assertEquals("already_answered", reject.error());
    assertEquals("approved", api.get(join + "?wait=0", null).body().get("status").asText());
  }

  @Test
  void shouldRefuseEndingAJoinTwice() throws Exception {
    startApproved();
    assertEquals(200, api.post(join + "/leave", s[1], Api.json().put("reason", "lost")).status());
    assertEquals(200, api.post(join + "/reject", s[1], Api.json().put("reason", GONE)).status());
    Response twice = api.post(join + "/reject", s[1], Api.json().put("reason", GONE));
    assertEquals(409, twice.status(), twice.toString());
    assertEquals("already_answered", twice.error());
    assertEquals("join request " + joinId + " was already rejected; a join request is answered once",
        twice.message());
  }

  @Test
  void shouldLetOnlyTheHostEndAJoin() throws Exception {
    startApproved();
    assertEquals(200, api.post(join + "/leave", s[1], Api.json().put("reason", "lost")).status());
    Response forged = api.post(join + "/reject", "not-the-secret", Api.json().put("reason", GONE));
    assertEquals(403, forged.status(), forged.toString());
    assertEquals("left", api.get(join + "?wait=0", null).body().get("status").asText());
  }
}

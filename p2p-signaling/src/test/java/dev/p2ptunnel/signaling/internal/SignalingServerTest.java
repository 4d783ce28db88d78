package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.signaling.internal.Api.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's protocol over real HTTP on 127.0.0.1: the happy path, long-polling, and one test per rule. */
@Timeout(90) // bounds a hang only: beside other builds a start alone has taken over 10 s
class SignalingServerTest {
  static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n";
  static final String ANSWER = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n";
  static final String NAME_RULE = "1..64 characters of printable text without control, format or bidi characters";
  static final String ID_SHAPE = "[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}";

  private Server server;
  private Api api;

  private Api start(SignalingConfig config) throws IOException {
    server = Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), adapt(config));
    api = new Api(server.uri());
    return api;
  }

  private Api start() throws IOException {
    return start(SignalingConfig.defaults());
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

  @Test
  void shouldCreateASessionWithAReadableIdAndASeparateSecret() throws Exception {
    start();
    assertNotEquals(0, server.address().getPort(), "port 0 reports the bound port");
    Response created = api.post("/v1/sessions", null, "");
    assertEquals(201, created.status(), created.toString());
    String id = created.body().get("sessionId").asText();
    assertTrue(id.matches(ID_SHAPE), id);
    assertEquals(43, created.body().get("hostSecret").asText().length(), "256-bit secret, base64url");
    assertEquals(1, created.body().get("maxClients").asInt(), "one client by default");
    assertEquals(3600, created.body().get("sessionTtlSeconds").asInt());
    assertEquals("application/json; charset=utf-8", created.raw().headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void shouldCarryOfferToHostAndAnswerToClient() throws Exception {
    start();
    String[] session = api.create(1);
    // Session IDs are typed by people: lower case, no dashes and O for 0 still find the session.
    String typed = session[0].replace("-", "").toLowerCase().replace('0', 'o');
    Response joined = api.join(typed, "alice", OFFER);
    assertEquals(202, joined.status(), joined.toString());
    String joinId = joined.body().get("joinId").asText();
    assertEquals(22, joinId.length());

    Response joins = api.get("/v1/sessions/" + session[0] + "/events?wait=0", session[1]);
    assertEquals(200, joins.status(), joins.toString());
    assertEquals(1, joins.body().get("events").size());
    assertEquals("join", joins.body().at("/events/0/type").asText());
    assertEquals("alice", joins.body().at("/events/0/clientName").asText());
    assertEquals("127.0.0.1", joins.body().at("/events/0/clientAddress").asText(), "the address the server saw");
    assertEquals(OFFER, joins.body().at("/events/0/offer").asText());
    assertEquals(joinId, joins.body().at("/events/0/joinId").asText());
    assertEquals(1, joins.body().at("/events/0/seq").asLong());
    assertTrue(joins.body().at("/events/0/commitment").isMissingNode(), "a plain join has no commitment");
    assertEquals(0, api.get("/v1/sessions/" + session[0] + "/events?wait=0&after=1", session[1]).body()
        .get("events").size(), "after= skips what the host has seen");

    assertEquals("pending", api.get("/v1/sessions/" + session[0] + "/joins/" + joinId + "?wait=0", null).body()
        .get("status").asText());
    Response approved = api.post("/v1/sessions/" + session[0] + "/joins/" + joinId + "/approve", session[1],
        Api.json().put("answer", ANSWER));
    assertEquals(200, approved.status(), approved.toString());
    Response result = api.get("/v1/sessions/" + session[0] + "/joins/" + joinId, null);
    assertEquals("approved", result.body().get("status").asText());
    assertEquals(ANSWER, result.body().get("answer").asText());
  }

  @Test
  void shouldWakeAParkedHostPollWhenAClientJoins() throws Exception {
    start();
    String[] session = api.create(1);
    CompletableFuture<Response> poll = api.getAsync("/v1/sessions/" + session[0] + "/events?wait=20", session[1]);
    awaitParked(1);
    assertFalse(poll.isDone());
    long start = System.nanoTime();
    api.join(session[0], "bob", OFFER);
    Response joins = poll.get(5, TimeUnit.SECONDS);
    System.out.printf("parked host poll woke %.1f ms after the join%n", (System.nanoTime() - start) / 1e6);
    assertEquals("bob", joins.body().at("/events/0/clientName").asText());
  }

  @Test
  void shouldWakeAParkedClientPollWhenTheHostAnswers() throws Exception {
    start();
    String[] session = api.create(1);
    String joinId = api.join(session[0], "bob", OFFER).body().get("joinId").asText();
    CompletableFuture<Response> poll = api.getAsync("/v1/sessions/" + session[0] + "/joins/" + joinId, null);
    awaitParked(1);
    api.post("/v1/sessions/" + session[0] + "/joins/" + joinId + "/reject", session[1],
        Api.json().put("reason", "not today"));
    Response result = poll.get(5, TimeUnit.SECONDS);
    assertEquals("rejected", result.body().get("status").asText());
    assertEquals("not today", result.body().get("reason").asText());
  }

  @Test
  void shouldAnswerAnIdlePollWithNothingAfterItsWait() throws Exception {
    start(SignalingConfig.builder().maxPollWait(Duration.ofSeconds(1)).build());
    String[] session = api.create(1);
    Response empty = api.get("/v1/sessions/" + session[0] + "/events", session[1]);
    assertEquals(200, empty.status());
    assertEquals(0, empty.body().get("events").size());
    long start = System.nanoTime();
    Response shortened = api.get("/v1/sessions/" + session[0] + "/events?wait=60", session[1]);
    assertEquals(200, shortened.status(), "a longer wait than the server's is shortened, not refused");
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
    Response negative = api.get("/v1/sessions/" + session[0] + "/events?wait=-1", session[1]);
    assertEquals(400, negative.status());
    assertEquals("wait: \"-1\" (expected: an integer 0..3600)", negative.message());
    assertEquals("after: \"x\" (expected: an integer 0..9223372036854775807)",
        api.get("/v1/sessions/" + session[0] + "/events?after=x", session[1]).message());
  }

  @Test
  void shouldLetJoinsQueueButRefuseJoinersOnceTheOnlySlotIsApprovedUntilTheHostSaysTheClientLeft()
      throws Exception {
    start();
    String[] session = api.create(1);
    String first = api.join(session[0], "alice", OFFER).body().get("joinId").asText();
    assertEquals(202, api.join(session[0], "bob", OFFER).status(), "a pending join holds no slot");
    api.post("/v1/sessions/" + session[0] + "/joins/" + first + "/approve", session[1],
        Api.json().put("answer", ANSWER));
    Response busy = api.join(session[0], "mallory", OFFER);
    assertEquals(409, busy.status());
    assertEquals("session_full", busy.error());
    assertEquals("the host is busy with another client", busy.message());
    Response left = api.post("/v1/sessions/" + session[0] + "/joins/" + first + "/leave", session[1],
        Api.json().put("reason", "peer did not answer keepalive"));
    assertEquals(200, left.status(), left.toString());
    assertEquals("left", left.body().get("status").asText());
    assertEquals(202, api.join(session[0], "carol", OFFER).status(), "the slot is free at once");
    Response again = api.post("/v1/sessions/" + session[0] + "/joins/" + first + "/leave", session[1], "{}");
    assertEquals(409, again.status());
    assertEquals("join request " + first + " is left; it can be left only when approved", again.message());
  }

  @Test
  void shouldFreeTheSlotWhenTheHostRejects() throws Exception {
    start();
    String[] session = api.create(1);
    String first = api.join(session[0], "mallory", OFFER).body().get("joinId").asText();
    api.post("/v1/sessions/" + session[0] + "/joins/" + first + "/reject", session[1],
        Api.json().put("reason", "who are you?"));
    assertEquals(202, api.join(session[0], "alice", OFFER).status());
  }

  @Test
  void shouldTakeUpToMaxClients() throws Exception {
    start();
    String[] session = api.create(3);
    for (int i = 0; i < 3; i++) {
      String joinId = api.join(session[0], "client " + i, OFFER).body().get("joinId").asText();
      api.post("/v1/sessions/" + session[0] + "/joins/" + joinId + "/approve", session[1],
          Api.json().put("answer", ANSWER));
    }
    Response fourth = api.join(session[0], "client 3", OFFER);
    assertEquals(409, fourth.status());
    assertEquals("the host is busy: it takes 3 clients and has them all", fourth.message());
    assertEquals(0, api.get("/v1/sessions/" + session[0] + "/events?wait=0", session[1]).body().get("events").size(),
        "decided joins are no news for the host");
  }

  @Test
  void shouldRefuseAReplayedAnswer() throws Exception {
    start();
    String[] session = api.create(1);
    String joinId = api.join(session[0], "alice", OFFER).body().get("joinId").asText();
    String approve = "/v1/sessions/" + session[0] + "/joins/" + joinId + "/approve";
    assertEquals(200, api.post(approve, session[1], Api.json().put("answer", ANSWER)).status());
    Response replay = api.post(approve, session[1], Api.json().put("answer", ANSWER));
    assertEquals(409, replay.status());
    assertEquals("already_answered", replay.error());
    assertEquals("join request " + joinId + " was already approved; a join request is answered once",
        replay.message());
    Response reject = api.post("/v1/sessions/" + session[0] + "/joins/" + joinId + "/reject", session[1],
        Api.json().put("reason", "changed my mind"));
    assertEquals(409, reject.status());
    assertEquals(ANSWER, api.get("/v1/sessions/" + session[0] + "/joins/" + joinId, null).body().get("answer")
        .asText(), "the first answer stands");
  }

  @Test
  void shouldLetOnlyTheHostSecretReadOrAnswerJoins() throws Exception {
    start();
    String[] session = api.create(1);
    String[] other = api.create(1);
    String joinId = api.join(session[0], "alice", OFFER).body().get("joinId").asText();
    String joins = "/v1/sessions/" + session[0] + "/events?wait=0";

    Response none = api.get(joins, null);
    assertEquals(403, none.status());
    assertEquals("this needs the session's host secret: send Authorization: Bearer <hostSecret> (session "
        + session[0] + ")", none.message());
    Response wrong = api.get(joins, other[1]);
    assertEquals(403, wrong.status());
    assertEquals("wrong host secret for session " + session[0], wrong.message());
    assertEquals(403, api.post("/v1/sessions/" + session[0] + "/joins/" + joinId + "/approve", other[1],
        Api.json().put("answer", ANSWER)).status());
    assertEquals(403, api.post("/v1/sessions/" + session[0] + "/joins/" + joinId + "/reject", null,
        Api.json().put("reason", "no")).status());
    assertEquals(403, api.delete("/v1/sessions/" + session[0], "x" + session[1]).status());
    assertEquals("pending", api.get("/v1/sessions/" + session[0] + "/joins/" + joinId + "?wait=0", null).body()
        .get("status").asText(), "nothing changed");
  }

  @Test
  void shouldAnswerUnknownIdsWith404AndMalformedOnesWith400() throws Exception {
    start();
    String unknown = "0000-0000-0000-0000-0000-0000-0000";
    Response missing = api.join(unknown, "alice", OFFER);
    assertEquals(404, missing.status());
    assertEquals("session_not_found", missing.error());
    assertEquals("no session " + unknown + " on this server (check the Session ID)", missing.message());

    Response malformed = api.join("ABCU", "alice", OFFER);
    assertEquals(400, malformed.status());
    assertEquals("sessionId: \"ABCU\" is not a Session ID (expected: 28 characters of 0-9 and A-Z without I, L, "
        + "O, U; dashes optional)", malformed.message());

    String[] session = api.create(1);
    Response noJoin = api.get("/v1/sessions/" + session[0] + "/joins/AAAAAAAAAAAAAAAAAAAAAA", null);
    assertEquals(404, noJoin.status());
    assertEquals("join_not_found", noJoin.error());

    Response noEndpoint = api.get("/v2/anything", null);
    assertEquals(404, noEndpoint.status());
    assertEquals("no such endpoint: GET \"/v2/anything\" (endpoints are under /v1/sessions, see docs/SIGNALING.md)",
        noEndpoint.message());
  }

  @Test
  void shouldAnswerAWrongMethodWith405AndAllow() throws Exception {
    start();
    Response put = api.send(api.request("/v1/sessions", null)
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
    assertEquals(405, put.status());
    assertEquals("method \"PUT\" is not allowed here (expected: POST)", put.message());
    assertEquals("POST", put.raw().headers().firstValue("Allow").orElse(""));
    String[] session = api.create(1);
    Response delete = api.delete("/v1/sessions/" + session[0] + "/joins", session[1]);
    assertEquals(405, delete.status());
    assertEquals("POST", delete.raw().headers().firstValue("Allow").orElse(""));
  }

  @Test
  void shouldNameTheFieldOfEveryBadBody() throws Exception {
    start();
    String[] session = api.create(1);
    String join = "/v1/sessions/" + session[0] + "/joins";
    // Each: body, expected status, expected message.
    String[][] cases = {
        {"{\"clientName\": \"a\", \"offer\": ", "bad_json"},
        {"[1, 2]", "body is an array (expected: a JSON object)"},
        {"", "body is empty (expected: a JSON object)"},
        {"{\"offer\": \"" + "v=0" + "\"}", "clientName: missing (expected: a string)"},
        {"{\"clientName\": 5, \"offer\": \"v=0\"}", "clientName: a number (\"5\") (expected: a string)"},
        {"{\"clientName\": \"a\"}", "offer: missing (expected: a string)"},
        {"{\"clientName\": \"a\", \"offer\": true}", "offer: a boolean (true) (expected: a string)"},
        {"{\"clientName\": \"a\", \"offer\": \"hello\"}", "offer: \"hello\" is not SDP (expected: text starting with "
            + "v=0)"},
        {"{\"clientName\": \"\", \"offer\": \"v=0\"}", "clientName: empty (expected: 1..64 characters)"},
        {"{\"clientName\": \"a\\u0000b\", \"offer\": \"v=0\"}", "clientName: control character U+0000 at index 1 "
            + "(expected: printable text)"},
        {"{\"clientName\": \"" + "n".repeat(65) + "\", \"offer\": \"v=0\"}", "clientName: 65 characters (expected: "
            + "at most 64)"},
        {"{\"clientName\": \"alice\\u202Egnp.exe\", \"offer\": \"v=0\"}", "clientName: U+202E RIGHT-TO-LEFT "
            + "OVERRIDE at index 5 (expected: " + NAME_RULE + ")"},
        {"{\"clientName\": \"a\\u200Bb\", \"offer\": \"v=0\"}", "clientName: U+200B ZERO WIDTH SPACE at index 1 "
            + "(expected: " + NAME_RULE + ")"},
        {"{\"clientName\": \"   \", \"offer\": \"v=0\"}", "clientName: only white space (expected: " + NAME_RULE
            + ")"},
        {"{\"clientName\": \"a\", \"offer\": \"v=0\", \"commitment\": \"AAAA\"}", "commitment: 3 bytes "
            + "(expected: 32 bytes, base64url without padding)"},
        {"{\"clientName\": \"a\", \"clientName\": \"b\", \"offer\": \"v=0\"}", "bad_json"},
        {"{\"clientName\": \"a\", \"offer\": \"v=0\"} {}", "bad_json"},
    };
    for (String[] c : cases) {
      Response response = api.post(join, null, c[0]);
      assertEquals(400, response.status(), c[0] + " -> " + response);
      if (c[1].equals("bad_json")) {
        assertEquals("bad_json", response.error(), c[0] + " -> " + response);
        assertTrue(response.message().startsWith("body is not valid JSON: "), response.message());
      } else {
        assertEquals(c[1], response.message(), c[0]);
      }
    }
    Response maxClients = api.post("/v1/sessions", null, "{\"maxClients\": \"two\"}");
    assertEquals("maxClients: a string (\"two\") (expected: an integer 1..16)", maxClients.message());
    assertEquals("invalid_field", maxClients.error());
    assertEquals("maxClients: 0 (expected: an integer 1..16)",
        api.post("/v1/sessions", null, "{\"maxClients\": 0}").message());
    assertEquals("maxClients: a number (\"1.5\") (expected: an integer 1..16)",
        api.post("/v1/sessions", null, "{\"maxClients\": 1.5}").message());
    assertEquals("reason: missing (expected: a string)", api.post(join + "/AAAAAAAAAAAAAAAAAAAAAA/reject",
        session[1], "{}").message());
  }

  @Test
  void shouldRefuseABodyOverTheLimitWithoutReadingIt() throws Exception {
    start();
    String[] session = api.create(1);
    String offer = "v=0\r\n" + "a=x\r\n".repeat(13_200);
    int size = Api.json().put("clientName", "alice").put("offer", offer).toString().length();
    Response big = api.join(session[0], "alice", offer);
    assertEquals(413, big.status());
    assertEquals("request body is " + size + " bytes (expected: at most 65536 bytes)", big.message());
    // Announce 1 GiB and send none of it: the answer must come at once, from the headers alone.
    try (java.net.Socket socket = new java.net.Socket(server.address().getAddress(), server.address().getPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("POST /v1/sessions/" + session[0] + "/joins HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{\"clientName\"")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
      assertEquals("HTTP/1.1 413", response);
    }
    assertEquals(202, api.join(session[0], "alice", OFFER).status(), "the server is still fine");
  }

  @Test
  void shouldExpireJoinRequestsTheHostDoesNotAnswer() throws Exception {
    // 1 s: long enough that the second join below stays live while it is read, even on a busy machine.
    start(SignalingConfig.builder().joinTtl(Duration.ofSeconds(1)).build());
    String[] session = api.create(1);
    String joinId = api.join(session[0], "alice", OFFER).body().get("joinId").asText();
    Thread.sleep(1_500); // the TTL under test is the event
    Response expired = api.get("/v1/sessions/" + session[0] + "/joins/" + joinId + "?wait=0", null);
    assertEquals(410, expired.status(), expired.toString());
    assertEquals("join request " + joinId + " expired: the host did not answer within 1 s", expired.message());
    assertEquals(410, api.post("/v1/sessions/" + session[0] + "/joins/" + joinId + "/approve", session[1],
        Api.json().put("answer", ANSWER)).status());
    assertEquals(202, api.join(session[0], "bob", OFFER).status());
    assertEquals(1, api.get("/v1/sessions/" + session[0] + "/events?wait=0", session[1]).body().get("events").size(),
        "the host sees only the live request");
  }

  @Test
  void shouldExpireSessionsWhoseHostIsSilent() throws Exception {
    start(SignalingConfig.builder().sessionTtl(Duration.ofMillis(300)).build());
    String[] session = api.create(1);
    Thread.sleep(450);
    Response expired = api.join(session[0], "alice", OFFER);
    assertEquals(410, expired.status(), expired.toString());
    assertEquals("session_expired", expired.error());
    assertEquals("session " + session[0] + " expired: its host was silent for more than 300 ms", expired.message());
  }

  @Test
  void shouldEndTheSessionAndItsPollsWhenTheHostDeletesIt() throws Exception {
    start();
    String[] session = api.create(1);
    String joinId = api.join(session[0], "alice", OFFER).body().get("joinId").asText();
    CompletableFuture<Response> client = api.getAsync("/v1/sessions/" + session[0] + "/joins/" + joinId, null);
    awaitParked(1);
    Response deleted = api.delete("/v1/sessions/" + session[0], session[1]);
    assertEquals(200, deleted.status(), deleted.toString());
    Response result = client.get(5, TimeUnit.SECONDS);
    assertEquals(410, result.status());
    assertEquals("session " + session[0] + " was closed by its host", result.message());
    assertEquals(410, api.join(session[0], "bob", OFFER).status());
    assertEquals(410, api.delete("/v1/sessions/" + session[0], session[1]).status());
  }

  @Test
  void shouldRateLimitCreatesAndJoinsPerAddress() throws Exception {
    start(SignalingConfig.builder().createsPerMinute(3).joinsPerMinute(2).maxClientsPerSession(5).build());
    // (joins from one address: at most 2 undecided per session anyway; the rate limit counts across sessions)
    String[] session = api.create(5);
    String[] other = api.create(1);
    api.create(1);
    Response limited = api.post("/v1/sessions", null, "{}");
    assertEquals(429, limited.status());
    assertEquals("rate_limited", limited.error());
    assertEquals("too many session creations from 127.0.0.1: at most 3 a minute; retry after 20 s",
        limited.message());
    assertEquals("20", limited.raw().headers().firstValue("Retry-After").orElse(""));
    api.join(session[0], "a", OFFER);
    api.join(other[0], "b", OFFER);
    Response joins = api.join(session[0], "c", OFFER);
    assertEquals(429, joins.status());
    assertEquals("too many join requests from 127.0.0.1: at most 2 a minute; retry after 30 s", joins.message());
    assertEquals("30", joins.raw().headers().firstValue("Retry-After").orElse(""));
  }

  @Test
  void shouldEvictTheOldestIdleSessionAtTheCapRatherThanRefuseNewHosts() throws Exception {
    start(SignalingConfig.builder().maxSessions(2).build());
    String[] oldest = api.create(1);
    String[] busy = api.create(1);
    api.join(busy[0], "alice", OFFER); // a join in progress: not idle
    CompletableFuture<Response> oldestPoll = api.getAsync("/v1/sessions/" + oldest[0] + "/events?wait=20", oldest[1]);
    awaitParked(1);
    Response third = api.post("/v1/sessions", null, "{}");
    assertEquals(201, third.status(), "a new host gets a session: " + third);
    Response evicted = oldestPoll.get(5, TimeUnit.SECONDS);
    assertEquals(410, evicted.status(), evicted.toString());
    assertEquals("session_evicted", evicted.error());
    assertEquals("session " + oldest[0] + " was closed to make room: the server holds its limit of 2 sessions and "
        + "this one had no join request in progress (open a new session)", evicted.message());
    assertEquals(202, api.join(busy[0], "bob", OFFER).status(), "the session with a join in progress stays");
  }

  @Test
  void shouldRefuseSessionsPastTheCapWith429WhenEveryOneIsBusy() throws Exception {
    start(SignalingConfig.builder().maxSessions(2).joinsPerMinute(100).build());
    for (int i = 0; i < 2; i++) {
      api.join(api.create(1)[0], "alice", OFFER);
    }
    Response full = api.post("/v1/sessions", null, "{}");
    assertEquals(429, full.status());
    assertEquals("too_many_sessions", full.error());
    assertEquals("the server holds its limit of 2 sessions, each with a join request in progress; try again later",
        full.message());
    assertTrue(full.raw().headers().firstValue("Retry-After").isPresent());
  }

  @Test
  void shouldAnswerWaitingPollsWhenClosing() throws Exception {
    start();
    String[] session = api.create(1);
    CompletableFuture<Response> poll = api.getAsync("/v1/sessions/" + session[0] + "/events?wait=20", session[1]);
    awaitParked(1);
    server.close();
    Response closing = poll.get(5, TimeUnit.SECONDS);
    assertEquals(503, closing.status(), "a passing fault: the client polls again (another instance, or a restart)");
    assertEquals("server_closing", closing.error());
    assertEquals("this signaling server instance is shutting down; try again (another instance, or this one after "
        + "its restart)", closing.message());
    assertEquals("1", closing.raw().headers().firstValue("Retry-After").orElse(""));
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

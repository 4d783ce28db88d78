package dev.p2ptunnel.webrtc.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.p2ptunnel.webrtc.HostReply;
import dev.p2ptunnel.webrtc.JoinAnswer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP signaling clients honour a server's {@code Retry-After} (429, 503) within their own backoff's cap: the
 * pause is at least what the server asked for, never longer than the cap. A stand-in server fails the decision poll
 * a set number of times; pauses are recorded by a delayer that does not wait: no timing here.
 */
@Timeout(60)
class RetryAfterTest {
  private StandInServer server;

  /** A stand-in that fails the decision poll {@code failures} times with {@code status} and a Retry-After. */
  private URI start(int failures, int status, String retryAfterHeader) throws IOException {
    server = StandInServer.failing(failures, status, status == 503
        ? "{\"error\":\"store_unavailable\",\"message\":\"the signaling server cannot reach its store\"}"
        : "{\"error\":\"too_many_polls\",\"message\":\"too many waiting polls\"}", retryAfterHeader);
    return server.uri();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Pauses at their ceilings: 100 ms, 200 ms, 400 ms, … up to 4 s. */
  private HttpSignaling signaling(URI uri) {
    RetryPolicy policy = RetryPolicy.builder().base(Duration.ofMillis(100)).cap(Duration.ofSeconds(4))
        .random(() -> 1.0).attempts(5).build();
    return HttpSignaling.builder(uri, StandInServer.SESSION).retryPolicy(policy).delayer(server.delayer()).build();
  }

  private void joinAnswered(URI uri) throws Exception {
    try (HttpSignaling signaling = signaling(uri)) {
      HostReply reply = signaling.join(HttpSignalingTest.plain("alice")).firstReply().get(20, TimeUnit.SECONDS);
      assertInstanceOf(JoinAnswer.class, reply);
    }
  }

  @Test
  void shouldPauseAtLeastWhatTheServerAsksForAfterA503() throws Exception {
    joinAnswered(start(2, 503, "2"));
    assertEquals(3, server.polls.get());
    assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), server.pauses, "not 100 ms and 200 ms");
  }

  @Test
  void shouldPauseAtLeastWhatTheServerAsksForAfterA429() throws Exception {
    joinAnswered(start(1, 429, "1"));
    assertEquals(List.of(Duration.ofSeconds(1)), server.pauses);
  }

  @Test
  void shouldNeverPauseLongerThanItsOwnCapWhateverTheServerAsks() throws Exception {
    joinAnswered(start(1, 503, "3600"));
    assertEquals(List.of(Duration.ofSeconds(4)), server.pauses);
  }

  @Test
  void shouldKeepItsOwnPauseWhereItIsLongerOrTheHeaderIsMalformed() throws Exception {
    joinAnswered(start(4, 503, "soon"));
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
        Duration.ofMillis(800)), server.pauses);
  }

  @Test
  void shouldReadRetryAfterAsSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2026-11-30T08:00:00Z");
    assertEquals(Duration.ofSeconds(7), ServerCalls.retryAfter(" 7 ", now));
    assertEquals(Duration.ofSeconds(90), ServerCalls.retryAfter("Mon, 30 Nov 2026 08:01:30 GMT", now));
    assertEquals(Duration.ZERO, ServerCalls.retryAfter("Mon, 30 Nov 2026 07:00:00 GMT", now), "a date past");
    assertNull(ServerCalls.retryAfter("soon", now));
    assertNull(ServerCalls.retryAfter("-1", now));
    assertNull(ServerCalls.retryAfter(null, now));
  }

  @Test
  void shouldLengthenAHostsOutagePauseWithinItsCap() {
    ServerCalls.Refused busy = new ServerCalls.Refused("polling", 503, "store_unavailable", "try again",
        Duration.ofSeconds(20));
    Outage outage = new Outage(Duration.ofSeconds(30), () -> 1.0, () -> 0L);
    assertEquals(Duration.ofSeconds(20), outage.failed(busy), "the first pause would be 1 s");
    ServerCalls.Refused tooLong = new ServerCalls.Refused("polling", 429, "server_full", "full",
        Duration.ofHours(1));
    assertEquals(Duration.ofSeconds(30), outage.failed(tooLong), "never above the outage's cap");
  }
}

package dev.p2ptunnel.webrtc.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.p2ptunnel.webrtc.JoinRequest;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The join requests of a host's session as its event feed brings them: a new one waits until a
 * {@link HttpHostSignaling#nextJoin} taker takes it; a reveal, an ICE restart offer or a withdrawal goes to the request
 * it belongs to, while the request is kept (until it is decided, or for {@link HttpJoinRequest#LEFT_KEPT} after its
 * client left). Owned by the host signaling's loop thread.
 */
final class JoinFeed {
  private final ServerCalls calls;
  private final String sessionId;
  private final Executor loop;
  private final ArrayDeque<JoinRequest> ready = new ArrayDeque<>();
  private final Map<String, HttpJoinRequest> active = new HashMap<>();
  private final ArrayDeque<CompletableFuture<JoinRequest>> takers = new ArrayDeque<>();

  /** @param loop the loop thread's executor, where a request that is done is forgotten */
  JoinFeed(ServerCalls calls, String sessionId, Executor loop) {
    this.calls = calls;
    this.sessionId = sessionId;
    this.loop = loop;
  }

  /** Someone waits for the next join request. */
  void take(CompletableFuture<JoinRequest> taker) {
    takers.add(taker);
  }

  /** Hands waiting requests to waiting takers, in order; takers that gave up are skipped. */
  void deliver() {
    takers.removeIf(CompletableFuture::isDone);
    while (!ready.isEmpty() && !takers.isEmpty()) {
      if (takers.poll().complete(ready.peek())) {
        ready.poll();
      }
    }
  }

  /** One event of the feed; {@code hostSecret}: the session's current one, for the requests' posts. */
  void onEvent(JsonNode event, String hostSecret) {
    String joinId = event.path("joinId").asText();
    switch (event.path("type").asText()) {
      case "join" -> {
        HttpJoinRequest request = HttpJoinRequest.of(calls, sessionId, hostSecret, event,
            () -> loop.execute(() -> active.remove(joinId)));
        if (request != null) {
          active.put(joinId, request);
          ready.add(request);
        }
      }
      case "reveal" -> {
        HttpJoinRequest request = active.get(joinId);
        if (request != null) {
          request.revealed(event);
        }
      }
      case "restart" -> {
        HttpJoinRequest request = active.get(joinId);
        if (request != null) {
          request.restartOffered(event.path("restart").asLong(), event.path("offer").asText());
        }
      }
      case "withdrawn" -> {
        HttpJoinRequest request = active.remove(joinId);
        if (request != null) {
          request.withdrawnBy(event.path("reason").asText());
        }
      }
      default -> {
        // a newer server's event: nothing to do
      }
    }
  }

  /** The session ended: every request in progress counts as withdrawn, every waiting taker fails with {@code why}. */
  void end(Throwable why) {
    active.values().forEach(request -> request.withdrawnBy("signaling ended"));
    active.clear();
    CompletableFuture<JoinRequest> taker;
    while ((taker = takers.poll()) != null) {
      taker.completeExceptionally(why);
    }
  }
}

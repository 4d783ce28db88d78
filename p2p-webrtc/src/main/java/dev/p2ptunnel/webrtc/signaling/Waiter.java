package dev.p2ptunnel.webrtc.signaling;

import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * A parked long-poll: no thread waits for it; the state thread answers it when something happens or when its
 * timeout (scheduled on the state thread) fires. Owned by the server's state thread.
 */
final class Waiter {
  final Responder responder;
  /** For host polls: events with a sequence number above this are news. */
  final long after;
  /** For client polls: the status the client has seen; any other is news. */
  final Join.@Nullable State since;
  @Nullable ScheduledFuture<?> timeout;

  Waiter(Responder responder, long after, Join.@Nullable State since) {
    this.responder = responder;
    this.after = after;
    this.since = since;
  }

  /** Sends {@code reply} and stops the timeout. */
  void finish(Reply reply) {
    ScheduledFuture<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
    responder.send(reply);
  }
}

package dev.p2ptunnel.webrtc.signaling;

import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * A parked long-poll: no thread waits for it; the state thread answers it when something happens or when its
 * timeout (scheduled on the state thread) fires. Owned by the server's state thread.
 */
final class Waiter {
  final Responder responder;
  /** For host polls: join requests with a sequence number above this are news. */
  final long after;
  @Nullable ScheduledFuture<?> timeout;

  Waiter(Responder responder, long after) {
    this.responder = responder;
    this.after = after;
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

package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.api.JoinStatus;
import org.jspecify.annotations.Nullable;

/**
 * What a poll read from the store: the reply it would send now and whether that is news for it.
 *
 * @param reply the events (host) or the join's view (client), or an error
 * @param events for a host read, how many events the reply holds
 * @param status for a client read, the join's status (null if the reply is an error)
 * @param restart for a client read, the number of the join's latest ICE restart (0: none)
 * @param restartAnswered for a client read, the number of the ICE restart the host answered last (0: none)
 */
record Read(Reply reply, int events, @Nullable JoinStatus status, long restart, long restartAnswered) {
  Read(Reply reply, int events, @Nullable JoinStatus status) {
    this(reply, events, status, 0, 0);
  }
}

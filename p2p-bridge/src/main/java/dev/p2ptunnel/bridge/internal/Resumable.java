package dev.p2ptunnel.bridge.internal;

import org.jspecify.annotations.Nullable;

/**
 * What one socket may have to send again when its channel is replaced (resume extension; {@link Resume}): the DATA
 * bytes the peer has not confirmed, and where its last CONNECT, FIN and CLOSE went, so that the ones the peer never
 * handled are sent again. Outlives its {@link Stream} while the socket's last messages are unconfirmed (a tombstone).
 * Loop thread only.
 */
final class Resumable {
  /** Where a message went: the sender's number of the channel and the message's sequence number on it. */
  record Mark(int channel, long seq) {}

  final SendLog log;
  @Nullable Mark connect;
  @Nullable Mark fin;
  @Nullable Mark close;

  Resumable(SendLog.Pool pool) {
    this.log = new SendLog(pool);
  }
}

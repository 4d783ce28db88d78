package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * What each socket keeps so that it can be sent again on a new channel (docs/PROTOCOL.md, "Resumable streams"): the
 * DATA bytes the peer has not confirmed ({@link SendLog}, trimmed as WINDOW credit confirms them, so at most the
 * peer's window), and where its last CONNECT, FIN and CLOSE went ({@link Resumable.Mark}: our channel number and the
 * message's sequence number on it). Sees every message as {@link Outbound} sends it. {@link Resume} says when keeping
 * starts and stops. Loop thread only.
 */
final class Retention implements Outbound.Sent {
  private final boolean enabled;
  private final boolean client;
  private final Streams streams;
  private final Tombstones tombstones;
  private final SendLog.Pool pool = new SendLog.Pool(64);
  /** Our number of the current channel. */
  private int channel;
  /** The current channel's negotiation did not offer the extension: new sockets keep nothing. */
  private boolean rejected;
  /** The peer announced the extension on the current channel and sent its SESSION. */
  private boolean inUse;
  /** The peer's receive window (its latest SESSION); 0 before. */
  private long peerWindow;

  Retention(boolean enabled, boolean client, Streams streams, Tombstones tombstones) {
    this.enabled = enabled;
    this.client = client;
    this.streams = streams;
    this.tombstones = tombstones;
  }

  /** A new channel, our number {@code number}: keeping may go on until its negotiation says otherwise. */
  void channel(int number) {
    channel = number;
    rejected = false;
    inUse = false;
  }

  /** The current channel's negotiation did not offer the extension: what the sockets keep goes, and nothing more. */
  void rejected() {
    rejected = true;
    for (Stream stream : streams.live()) {
      Resumable state = stream.resumable;
      if (state != null) {
        state.log.clear(); // no peer of this channel will ever ask for them
        stream.resumable = null;
      }
    }
  }

  /** The peer's SESSION on the current channel, with its receive window: what it already confirmed goes. */
  void inUse(long window) {
    inUse = true;
    peerWindow = window;
    for (Stream stream : streams.live()) {
      granted(stream);
    }
  }

  /** Bytes kept by every socket's log (whole blocks). */
  long keptBytes() {
    return pool.bytesInUse();
  }

  /** A socket opened: it keeps what it sends while the extension is, or may still be, in use. */
  void opened(Stream stream) {
    if (enabled && !rejected) {
      stream.resumable = new Resumable(pool);
    }
  }

  /** The peer granted credit on {@code stream}: bytes it confirms by that are dropped from the log. */
  void granted(Stream stream) {
    Resumable state = stream.resumable;
    if (state == null || peerWindow == 0 || stream.credit.send == Credit.UNLIMITED) {
      return;
    }
    long keep = Math.max(0, peerWindow - stream.credit.send);
    long from = state.log.end() - keep;
    if (from > state.log.start()) {
      state.log.trimTo(from);
    }
  }

  @Override
  public void data(Stream stream, ByteBuffer frame, int index, int length) {
    Resumable state = stream.resumable;
    if (state != null) {
      state.log.append(frame, index, length);
    }
  }

  @Override
  public void message(int event, int socketId, long seq) {
    if (!enabled || event == Frame.EVENT_DATA) {
      return;
    }
    if (event != Frame.EVENT_CONNECT && event != Frame.EVENT_FIN && event != Frame.EVENT_CLOSE) {
      return;
    }
    Resumable state = stateOf(socketId);
    if (state == null) {
      if (event != Frame.EVENT_CLOSE || !inUse) {
        return;
      }
      // A CLOSE for a socket that never opened here (the host refusing a CONNECT): kept until confirmed.
      state = new Resumable(pool);
      tombstones.keep(new Tombstones.Tombstone(socketId, null, state, 0));
    }
    Resumable.Mark mark = new Resumable.Mark(channel, seq);
    switch (event) {
      case Frame.EVENT_CONNECT -> state.connect = client ? mark : null;
      case Frame.EVENT_FIN -> state.fin = mark;
      default -> state.close = mark;
    }
  }

  private @Nullable Resumable stateOf(int socketId) {
    Stream stream = streams.get(socketId);
    if (stream != null) {
      return stream.resumable;
    }
    Tombstones.Tombstone t = tombstones.get(socketId);
    return t == null ? null : t.state();
  }
}

package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Extensions;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes between the local sockets and the protocol, both ways.
 *
 * <p>Local → peer ({@link #read}, called by the {@link Scheduler} with a budget of bytes): reads straight into the
 * {@link Outbound}'s message buffer, each read at most a frame and the socket's credit, and sends; EOF goes to
 * {@link HalfClose}.
 *
 * <p>Peer → local ({@link #fromPeer}): applies the socket state's rule for DATA, charges flow control and the pending
 * {@link Limits}, writes to the socket at once, and keeps what it does not take in the socket's pending bytes, which
 * {@link #flush} writes when the socket becomes writable; once they are all out, {@link HalfClose#flushed} finishes
 * what the peer asked for (FIN, CLOSE). Every byte that reaches the local socket may return credit with a WINDOW.
 *
 * <p>Loop thread only.
 */
final class LocalIo implements Scheduler.Reader {
  private final Outbound outbound;
  private final FlowControl flow;
  private final Limits limits;
  private final Counters counters;
  private final Streams streams;
  private final HalfClose halfClose;

  LocalIo(Outbound outbound, FlowControl flow, Limits limits, Counters counters, Streams streams,
      HalfClose halfClose) {
    this.outbound = outbound;
    this.flow = flow;
    this.limits = limits;
    this.counters = counters;
    this.streams = streams;
    this.halfClose = halfClose;
  }

  // ----------------------------------------------------------------------------------------------- local → peer

  @Override
  public Scheduler.ReadResult read(Stream stream, long budget) {
    for (long left = budget; left > 0; ) {
      if (!stream.live().readsLocal() || stream.credit.send <= 0) {
        break;
      }
      if (!outbound.writable()) {
        stream.updateInterest();
        return Scheduler.ReadResult.BLOCKED;
      }
      ByteBuffer room = outbound.payloadBuffer(flow.sendable(stream.credit));
      int max = room.remaining();
      int n;
      try {
        n = stream.socket.read(room);
      } catch (IOException e) {
        streams.abort(stream, ErrorKind.LOCAL_IO, "local connection failed: " + describe(e));
        return Scheduler.ReadResult.DRAINED;
      }
      if (n < 0) {
        halfClose.localEof(stream);
        return Scheduler.ReadResult.DRAINED;
      }
      if (n == 0) {
        break;
      }
      outbound.sendData(stream, n);
      flow.sent(stream.credit, n);
      left -= n;
      if (n < max) {
        break; // the socket is drained for now
      }
      if (left <= 0) {
        stream.updateInterest();
        return Scheduler.ReadResult.MORE; // the budget is used and the socket has more, as far as we know
      }
    }
    stream.updateInterest();
    return Scheduler.ReadResult.DRAINED;
  }

  // ----------------------------------------------------------------------------------------------- peer → local

  /** DATA from the peer for a live socket. */
  void fromPeer(Stream stream, ByteBuffer payload) {
    int n = payload.remaining();
    stream.bytes.fromPeer += n;
    counters.bytesFromPeer += n;
    switch (stream.live().dataRule()) {
      case DROP:
        return;
      case VIOLATION:
        streams.abort(stream, ErrorKind.DATA_AFTER_FIN, "peer sent DATA after FIN");
        return;
      default:
        break;
    }
    long excess = flow.received(stream.credit, n);
    if (excess > 0) {
      streams.abort(stream, ErrorKind.WINDOW_EXCEEDED, "peer sent " + excess + " bytes beyond its window");
      return;
    }
    String overflow = limits.admit(stream.pending.bytes(), n, !flow.active());
    if (overflow != null) {
      streams.abort(stream, ErrorKind.OVERFLOW, overflow);
      return;
    }
    if (stream.connected && stream.pending.isEmpty()) {
      try {
        consumed(stream, stream.socket.write(payload));
      } catch (IOException e) {
        streams.abort(stream, ErrorKind.LOCAL_IO, "local connection failed: " + describe(e));
        return;
      }
    }
    if (payload.hasRemaining()) {
      limits.held(payload.remaining());
      stream.pending.add(payload);
      stream.updateInterest();
    }
  }

  /** Writes pending bytes the socket now takes; once none are left, lets {@link HalfClose} finish what is due. */
  void flush(Stream stream) {
    if (!stream.connected || !stream.isLive()) {
      return;
    }
    try {
      long written = stream.pending.writeTo(stream.socket);
      limits.released(written);
      consumed(stream, written);
    } catch (IOException e) {
      streams.abort(stream, ErrorKind.LOCAL_IO, "local connection failed: " + describe(e));
      return;
    }
    if (stream.pending.isEmpty()) {
      halfClose.flushed(stream);
    }
    if (stream.isLive()) {
      stream.updateInterest();
    }
  }

  /** Bytes reached the local socket: may give the peer credit back. */
  private void consumed(Stream stream, long written) {
    if (written <= 0) {
      return;
    }
    stream.bytes.toLocal += written;
    long increment = flow.consumed(stream.credit, written);
    if (increment > 0) {
      outbound.sendExtension(Extensions.window(stream.id, increment));
    }
  }

  static String describe(IOException e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}

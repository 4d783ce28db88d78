package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;

/**
 * How a socket ends gracefully (docs/PROTOCOL.md, "Half-close" and "Closing and ids"): a local EOF becomes FIN when
 * both sides support half-close, CLOSE otherwise (the original protocol), or waits while the peer is not known yet;
 * the peer's FIN shuts the local output once everything before it is written; a socket whose state says it is
 * draining (both FINs, or a CLOSE either way) ends once everything received is written. Drives the
 * {@link StreamState} table and sends FIN and CLOSE; the {@link Port} does the rest. Aborts are not graceful and live
 * in {@link Streams}. Loop thread only.
 */
final class HalfClose {
  /** What half-close needs done to a socket. */
  interface Port {
    /** Shut the local socket's output (EOF for the application). */
    void shutdownOutput(Stream stream);

    /** End the socket cleanly with {@code reason}. */
    void finish(Stream stream, String reason);
  }

  private final Negotiation negotiation;
  private final Outbound outbound;
  private final Port port;

  HalfClose(Negotiation negotiation, Outbound outbound, Port port) {
    this.negotiation = negotiation;
    this.outbound = outbound;
    this.port = port;
  }

  /** The local application sent EOF (a read returned -1). */
  void localEof(Stream stream) {
    if (!negotiation.decided()) {
      stream.apply(StreamState.Event.LOCAL_EOF_DEFERRED);
      stream.updateInterest();
      return;
    }
    if (negotiation.halfClose()) {
      stream.apply(StreamState.Event.FIN_SENT);
      outbound.sendExtension(Extensions.fin(stream.id));
      stream.updateInterest();
      if (stream.pending.isEmpty()) {
        flushed(stream);
      }
    } else {
      // The original protocol has no half-close: EOF closes the logical socket. Bytes already received are still
      // written out before the local socket closes.
      stream.apply(StreamState.Event.CLOSE_SENT);
      outbound.sendEvent(Frame.EVENT_CLOSE, stream.id);
      drain(stream);
    }
  }

  /** The peer's capabilities are known: an EOF that waited for them is handled now. */
  void negotiated(Stream stream) {
    if (stream.live() == StreamState.Live.EOF_DEFERRED) {
      localEof(stream);
    }
  }

  /** The peer sent FIN; ignored unless half-close is in use. */
  void peerFin(Stream stream) {
    if (!negotiation.halfClose()) {
      return;
    }
    StreamState.Live before = stream.live();
    if (stream.apply(StreamState.Event.FIN_RECEIVED) != before && stream.connected && stream.pending.isEmpty()) {
      flushed(stream);
    }
  }

  /** The peer sent CLOSE: the socket ends once everything it sent before is written. */
  void peerClose(Stream stream) {
    stream.apply(StreamState.Event.CLOSE_RECEIVED);
    drain(stream);
  }

  /** Everything received is written to the local socket: do what the state asks for now. */
  void flushed(Stream stream) {
    StreamState.Live state = stream.live();
    if (state.peerFinished() && !stream.outputShut) {
      port.shutdownOutput(stream);
    }
    String reason = state.drainedReason();
    if (reason != null) {
      port.finish(stream, reason);
    }
  }

  private void drain(Stream stream) {
    if (stream.connected && stream.pending.isEmpty()) {
      flushed(stream);
    } else {
      stream.updateInterest(); // the flush after the dial or the last write ends it
    }
  }
}

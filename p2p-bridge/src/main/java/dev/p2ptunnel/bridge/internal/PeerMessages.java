package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.ProtocolException;
import dev.p2ptunnel.protocol.Reassembler;
import java.nio.ByteBuffer;

/**
 * What the peer's messages mean, once the {@link Reassembler} has made them whole: each event goes to the component
 * that owns its rule (CONNECT to the {@link Role}, DATA to {@link LocalIo}, CLOSE and FIN to {@link HalfClose}, WINDOW
 * to {@link FlowControl}, PING to keepalive), and each protocol error closes at most the socket it names. Extension
 * events are ignored unless extensions were negotiated. Loop thread only.
 */
final class PeerMessages implements Reassembler.Handler {
  private final Streams streams;
  private final Role role;
  private final LocalIo io;
  private final HalfClose halfClose;
  private final FlowControl flow;
  private final Negotiation negotiation;
  private final Outbound outbound;
  private final Events events;

  PeerMessages(Streams streams, Role role, LocalIo io, HalfClose halfClose, FlowControl flow,
      Negotiation negotiation, Outbound outbound, Events events) {
    this.streams = streams;
    this.role = role;
    this.io = io;
    this.halfClose = halfClose;
    this.flow = flow;
    this.negotiation = negotiation;
    this.outbound = outbound;
    this.events = events;
  }

  @Override
  public void onMessage(int event, int socketId, ByteBuffer payload) {
    Stream stream = streams.get(socketId);
    switch (event) {
      case Frame.EVENT_DATA:
        if (stream != null) {
          io.fromPeer(stream, payload);
        } // else: DATA for a socket we already closed
        break;
      case Frame.EVENT_CONNECT:
        role.peerConnect(socketId, payload);
        break;
      case Frame.EVENT_CLOSE:
        if (stream != null) {
          halfClose.peerClose(stream);
        }
        break;
      default:
        break;
    }
  }

  @Override
  public void onExtensionFrame(int event, int socketId, ByteBuffer frame) {
    if (negotiation.features() == 0) {
      return; // an original peer's protocol: unknown events are ignored
    }
    Stream stream = streams.get(socketId);
    try {
      switch (event) {
        case Frame.EVENT_WINDOW:
          long increment = Extensions.windowIncrement(frame);
          if (stream != null && flow.granted(stream.credit, increment)) {
            stream.updateInterest();
          }
          break;
        case Frame.EVENT_FIN:
          if (stream != null) {
            halfClose.peerFin(stream);
          }
          break;
        case Frame.EVENT_PING:
          // Any message proves life: when the channel is backed up, the data already answers, and a PING flood
          // cannot make us queue PONGs past the channel's limit.
          if (negotiation.keepalive() && outbound.writable()) {
            outbound.sendExtension(Extensions.ping(true, Extensions.pingNonce(frame)));
          }
          break;
        default:
          break; // HELLO (already used), PONG (any message proves life), or newer events
      }
    } catch (ProtocolException e) {
      if (event == Frame.EVENT_WINDOW || event == Frame.EVENT_FIN) {
        onError(e);
      } else {
        // HELLO, PING, PONG belong to the whole channel, not to the data socket that shares id 0.
        events.protocolError(e);
      }
    }
  }

  @Override
  public void onError(ProtocolException error) {
    events.protocolError(error);
    int socketId = error.socketId();
    Stream stream = socketId == ProtocolException.NO_SOCKET ? null : streams.get(socketId);
    if (stream != null) {
      events.error(ErrorKind.SOCKET_CLOSED_BY_ERROR, socketId, error.getMessage());
      streams.end(stream, "protocol error: " + error.getMessage(), Streams.Ending.ABORT);
    }
  }
}

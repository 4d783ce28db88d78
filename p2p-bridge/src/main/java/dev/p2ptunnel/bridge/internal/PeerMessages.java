package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.ProtocolException;
import dev.p2ptunnel.protocol.Reassembler;
import dev.p2ptunnel.protocol.Resumption;
import dev.p2ptunnel.protocol.ServiceMessages;
import java.nio.ByteBuffer;

/**
 * What the peer's messages mean, once the {@link Reassembler} has made them whole: each event goes to the component
 * that owns its rule (CONNECT to the {@link Role}, DATA to {@link LocalIo}, CLOSE and FIN to {@link HalfClose}, WINDOW
 * to {@link FlowControl}, PING to keepalive, SESSION, RESUME, RESUME_END, BYE and PONG to {@link Resume}, SERVICES
 * and REASON to the named-services parts), and each protocol error closes at most the socket it names. Extension
 * events are ignored unless extensions were negotiated. Control messages pass the {@link PeerGuard} first: past a rate
 * a CONNECT is refused and a PING not answered; a peer that keeps on flooding has its bridge closed. Loop thread only.
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
  private final Resume resume;
  private final PeerGuard guard;
  private final Ticker ticker;
  private final Peer peer;

  /** What the named-services messages and a flood mean to the rest of the loop. */
  interface Peer {
    /** Client: the host's list of services arrived. */
    void services(java.util.List<SharedService> list);

    /** The peer floods: close the bridge with {@code reason}. */
    void flooded(String reason);
  }

  PeerMessages(Streams streams, Role role, LocalIo io, HalfClose halfClose, FlowControl flow,
      Negotiation negotiation, Outbound outbound, Events events, Resume resume, PeerGuard guard, Ticker ticker,
      Peer peer) {
    this.guard = guard;
    this.ticker = ticker;
    this.peer = peer;
    this.streams = streams;
    this.role = role;
    this.io = io;
    this.halfClose = halfClose;
    this.flow = flow;
    this.negotiation = negotiation;
    this.outbound = outbound;
    this.events = events;
    this.resume = resume;
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
        if (role instanceof HostRole host) {
          PeerGuard.Verdict verdict = guard.admit(PeerGuard.Kind.CONNECT, ticker.nanoTime());
          if (verdict == PeerGuard.Verdict.FLOOD) {
            peer.flooded(guard.floodReason(PeerGuard.Kind.CONNECT));
            return;
          }
          if (verdict == PeerGuard.Verdict.OVER && stream == null) {
            host.refuse(socketId, ErrorKind.RATE_LIMITED, guard.overReason(PeerGuard.Kind.CONNECT));
            return;
          }
        }
        role.peerConnect(socketId, payload);
        break;
      case Frame.EVENT_CLOSE:
        if (role instanceof HostRole && guard.admit(PeerGuard.Kind.CONNECT, ticker.nanoTime())
            == PeerGuard.Verdict.FLOOD) {
          peer.flooded(guard.floodReason(PeerGuard.Kind.CONNECT));
          return;
        }
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
          if (guard.admit(PeerGuard.Kind.WINDOW, ticker.nanoTime()) == PeerGuard.Verdict.FLOOD) {
            peer.flooded(guard.floodReason(PeerGuard.Kind.WINDOW));
            return;
          }
          long increment = Extensions.windowIncrement(frame);
          if (stream != null) {
            if (flow.granted(stream.credit, increment)) {
              stream.updateInterest();
            }
            resume.retention().granted(stream);
          }
          break;
        case Frame.EVENT_FIN:
          if (stream != null) {
            halfClose.peerFin(stream);
          }
          break;
        case Frame.EVENT_PING:
          PeerGuard.Verdict verdict = guard.admit(PeerGuard.Kind.PING, ticker.nanoTime());
          if (verdict == PeerGuard.Verdict.FLOOD) {
            peer.flooded(guard.floodReason(PeerGuard.Kind.PING));
            return;
          }
          // Any message proves life: when the channel is backed up, the data already answers, and a PING flood
          // cannot make us queue PONGs past the channel's limit (nor past the PING rate).
          if (negotiation.keepalive() && outbound.writable() && verdict == PeerGuard.Verdict.OK) {
            outbound.sendExtension(Extensions.ping(true, Extensions.pingNonce(frame)));
          }
          break;
        case Frame.EVENT_PONG:
          resume.onPong(Extensions.pingNonce(frame)); // any message proves life; with resume a PONG also confirms
          break;
        case Frame.EVENT_SESSION:
          resume.onSession(Resumption.session(frame));
          break;
        case Frame.EVENT_RESUME:
          resume.onResume(Resumption.resume(frame));
          break;
        case Frame.EVENT_RESUME_END:
          resume.onEnd(Resumption.end(frame));
          break;
        case Frame.EVENT_BYE:
          resume.onBye(Resumption.byeReason(frame));
          break;
        case Frame.EVENT_SERVICES:
          if (negotiation.services() && role instanceof ClientRole) {
            peer.services(ServiceMessages.decodeServices(frame).stream().map(PeerMessages::shared).toList());
          }
          break;
        case Frame.EVENT_REASON:
          if (negotiation.services() && stream != null && role instanceof ClientRole) {
            stream.peerReason = ServiceMessages.reasonText(frame);
            events.throttled(ErrorKind.REFUSED_BY_PEER, socketId, stream.peerReason, ticker.nanoTime());
          }
          break;
        default:
          break; // HELLO (already used), or newer events
      }
    } catch (ProtocolException e) {
      if (event == Frame.EVENT_WINDOW || event == Frame.EVENT_FIN || event == Frame.EVENT_REASON) {
        onError(e);
      } else {
        // HELLO, PING, PONG, SERVICES and the resume messages belong to the whole channel, not to the data socket
        // that shares id 0.
        events.protocolError(e);
      }
    }
  }

  private static SharedService shared(ServiceMessages.Entry entry) {
    return new SharedService(entry.id(), entry.name(),
        entry.protocol() == ServiceMessages.PROTOCOL_UDP ? Service.Protocol.UDP : Service.Protocol.TCP,
        entry.port(), entry.isDefault());
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

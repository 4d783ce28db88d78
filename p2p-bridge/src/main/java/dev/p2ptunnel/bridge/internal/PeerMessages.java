package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.ProtocolException;
import dev.p2ptunnel.protocol.Reassembler;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * What the reassembler makes of the peer's frames, dispatched to the engine's streams; runs on the loop thread and
 * touches engine state only from there.
 */
final class PeerMessages implements Reassembler.Handler {
  private final Engine engine;

  PeerMessages(Engine engine) {
    this.engine = engine;
  }

  @Override
  public void onMessage(int event, int socketId, ByteBuffer payload) {
    Stream stream = engine.streams[socketId];
    switch (event) {
      case Frame.EVENT_DATA:
        if (stream != null) {
          engine.dataFromPeer(stream, payload);
        }
        break;
      case Frame.EVENT_CONNECT:
        if (engine.role == Engine.Role.HOST) {
          engine.openFromPeer(socketId);
        } else if (stream != null) {
          stream.established = true;
        }
        break;
      case Frame.EVENT_CLOSE:
        if (stream != null && !stream.peerClosed) {
          engine.closeFromPeer(stream);
        }
        break;
      default:
        break;
    }
  }

  @Override
  public void onExtensionFrame(int event, int socketId, ByteBuffer frame) {
    if (engine.features == 0) {
      return; // an original peer's protocol: unknown events are ignored
    }
    Stream stream = engine.streams[socketId];
    try {
      switch (event) {
        case Frame.EVENT_WINDOW:
          long increment = Extensions.windowIncrement(frame);
          if (stream != null && engine.flowControl() && stream.sendCredit != Long.MAX_VALUE) {
            stream.sendCredit += increment;
            engine.updateInterest(stream);
          }
          break;
        case Frame.EVENT_FIN:
          if (stream != null && engine.halfClose()) {
            engine.finFromPeer(stream);
          }
          break;
        case Frame.EVENT_PING:
          // Any message proves life: when the channel is backed up, the data already answers, and a PING flood
          // cannot make us queue PONGs past the channel's limit.
          if (engine.keepalive() && engine.channelWritable) {
            engine.send(Extensions.ping(true, Extensions.pingNonce(frame)));
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
        report(e);
      }
    }
  }

  private void report(ProtocolException error) {
    engine.count(error.reason().name());
    Engine.LOG.log(Level.DEBUG, "protocol error from peer: {0}", error.getMessage());
    engine.emit(() -> engine.listener.onProtocolError(error));
  }

  @Override
  public void onError(ProtocolException error) {
    report(error);
    int socketId = error.socketId();
    if (socketId != ProtocolException.NO_SOCKET && engine.streams[socketId] != null) {
      Stream stream = engine.streams[socketId];
      engine.count("SOCKET_CLOSED_BY_ERROR");
      engine.finish(stream, "protocol error: " + error.getMessage(), true);
    }
  }
}

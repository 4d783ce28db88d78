package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.ProtocolException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The first message decides (docs/PROTOCOL.md, "Negotiation"): a HELLO from the peer means the features both sides
 * announced; anything else means an original peer, features 0. Also keeps the sockets opened before that moment (only
 * a client has any), so that the decision touches those and no other. Loop thread only.
 */
final class Negotiation {
  private final boolean extensions;
  private boolean decided;
  private int features;
  private List<Stream> opened = new ArrayList<>();

  /** @param extensions whether we announce and use extensions at all */
  Negotiation(boolean extensions) {
    this.extensions = extensions;
  }

  boolean decided() {
    return decided;
  }

  /** The features in use: 0 before the decision, with an original peer, or with our extensions off. */
  int features() {
    return features;
  }

  boolean flowControl() {
    return (features & Extensions.FEATURE_FLOW_CONTROL) != 0;
  }

  boolean halfClose() {
    return (features & Extensions.FEATURE_HALF_CLOSE) != 0;
  }

  boolean keepalive() {
    return (features & Extensions.FEATURE_KEEPALIVE) != 0;
  }

  /** Whether messages may carry several frames, both ways (docs/PROTOCOL.md, "Coalescing"). */
  boolean coalesce() {
    return (features & Extensions.FEATURE_COALESCE) != 0;
  }

  /**
   * Decides from the peer's first message (not consumed: it is handled as usual afterwards). A malformed HELLO counts
   * as an original peer's message. Once only.
   *
   * @return the features in use from now on
   */
  int decide(ByteBuffer firstMessage) {
    if (decided) {
      throw new IllegalStateException("negotiation: already decided (features " + features + ")");
    }
    int peerFeatures = 0;
    if (extensions && firstMessage.remaining() >= Frame.HEADER_LENGTH
        && Frame.event(firstMessage) == Frame.EVENT_HELLO) {
      try {
        Frame.validate(firstMessage);
        peerFeatures = Extensions.helloFeatures(firstMessage);
      } catch (ProtocolException e) {
        Events.LOG.log(Level.WARNING, "malformed HELLO from peer, using the original protocol: {0}", e.getMessage());
      }
    }
    decided = true;
    features = extensions ? peerFeatures & Extensions.SUPPORTED_FEATURES : 0;
    Events.LOG.log(Level.DEBUG, "peer features {0} -> using {1}", peerFeatures, features);
    return features;
  }

  /** A socket opened: remembered until the decision if it comes before it. */
  void opened(Stream stream) {
    if (!decided) {
      opened.add(stream);
    }
  }

  /** After {@link #decide}: the sockets opened before it (some may have ended since), handed over once. */
  List<Stream> openedBefore() {
    List<Stream> result = opened;
    opened = new ArrayList<>(0);
    return result;
  }
}

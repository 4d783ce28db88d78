package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;

/**
 * Credit-based flow control per socket and direction, counting DATA payload bytes (docs/PROTOCOL.md, "Flow
 * control"): every socket starts with {@link Extensions#INITIAL_WINDOW} of send credit each way; a receiver with a
 * larger window grants the difference at once, and returns credit with WINDOW once half its window has been written
 * to the local socket; DATA beyond the window is a violation. Decides only: the caller sends the WINDOWs it is told
 * to and closes a violating socket.
 *
 * <p>In force once both sides announced it, and assumed before the peer's first message (when our extensions are on):
 * an original peer never notices, since its first message lifts the limit. Loop thread only.
 */
final class FlowControl {
  private final boolean extensions;
  private final long windowBytes;
  private final Negotiation negotiation;

  FlowControl(boolean extensions, int receiveWindowBytes, Negotiation negotiation) {
    this.extensions = extensions;
    this.windowBytes = receiveWindowBytes;
    this.negotiation = negotiation;
  }

  /** Whether credit limits sending now: negotiated, or assumed while the peer is not known yet. */
  boolean active() {
    return extensions && (!negotiation.decided() || negotiation.flowControl());
  }

  /** Sets up a new socket's credit. */
  void open(Credit credit) {
    credit.send = active() ? Extensions.INITIAL_WINDOW : Credit.UNLIMITED;
    credit.receive = windowBytes;
    credit.unreported = 0;
  }

  /** The WINDOW increment to grant when a socket opens (our window above the initial one), or 0 for none. */
  long initialGrant() {
    long extra = windowBytes - Extensions.INITIAL_WINDOW;
    return active() && extra > 0 ? extra : 0;
  }

  /** The peer is known now: without flow control the assumed limit goes. */
  void negotiated(Credit credit) {
    if (!negotiation.flowControl()) {
      credit.send = Credit.UNLIMITED;
    }
  }

  /** Most DATA bytes one read may take now: at most one frame's payload, at most the credit. */
  int sendable(Credit credit) {
    return (int) Math.min(Frame.MAX_PAYLOAD_LENGTH, credit.send);
  }

  /** {@code bytes} of DATA went out. */
  void sent(Credit credit, int bytes) {
    if (credit.send != Credit.UNLIMITED) {
      credit.send -= bytes;
    }
  }

  /**
   * The peer granted {@code increment} more bytes.
   *
   * @return whether the socket had no credit before, i.e. may read again now
   */
  boolean granted(Credit credit, long increment) {
    if (!negotiation.flowControl() || credit.send == Credit.UNLIMITED) {
      return false;
    }
    boolean wasBlocked = credit.send <= 0;
    // Saturating: a peer granting 2^32 - 1 again and again must not wrap the credit into "unlimited" or below zero.
    credit.send = credit.send > Credit.UNLIMITED - 1 - increment ? Credit.UNLIMITED - 1 : credit.send + increment;
    return wasBlocked;
  }

  /**
   * {@code bytes} of DATA arrived.
   *
   * @return the bytes beyond the window (a violation that closes the socket), or 0
   */
  long received(Credit credit, int bytes) {
    if (!negotiation.flowControl()) {
      return 0;
    }
    credit.receive -= bytes;
    return credit.receive < 0 ? -credit.receive : 0;
  }

  /**
   * {@code written} bytes reached the local socket.
   *
   * @return the WINDOW increment to send now (half a window or more has been written since the last one), or 0
   */
  long consumed(Credit credit, long written) {
    if (written <= 0 || !negotiation.flowControl()) {
      return 0;
    }
    credit.unreported += written;
    if (credit.unreported < windowBytes / 2) {
      return 0;
    }
    long increment = credit.unreported;
    credit.receive += increment;
    credit.unreported = 0;
    return increment;
  }
}

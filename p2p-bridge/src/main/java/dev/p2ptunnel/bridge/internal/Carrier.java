package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Coalescing;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Reassembler;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * The channel the loop runs over, as the loop sees it: what arrives on it (the first message decides the features,
 * coalesced messages are split, frames go to the {@link Reassembler}), what it signals (writable again, closed, its
 * path confirmed or not), and its replacement by a new channel to the same peer ({@link #attach}). Everything from a
 * channel carries its number: a replaced channel's late messages and signals are dropped. Loop thread only.
 */
final class Carrier {
  /** What the carrier needs from the loop. */
  interface Port {
    /** Whether the loop still runs. */
    boolean running();

    /** Why the loop stops (after {@link #stop}). */
    String closeReason();

    /** The bridge closes for {@code reason}. */
    void stop(String reason);
  }

  private final boolean extensions;
  private final boolean resuming;
  private final int maxCoalescedBytes;
  private final Counters counters;
  private final Negotiation negotiation;
  private final Outbound outbound;
  private final Streams streams;
  private final FlowControl flow;
  private final HalfClose halfClose;
  private final Events events;
  private final Resume resume;
  private final Liveness liveness;
  private final NamedServices named;
  private final Scheduler scheduler;
  private final Reassembler reassembler;
  /** Starts listening to the channel of a given number: the engine's callbacks for it. */
  private final IntFunction<MessageChannel.Listener> listeners;
  private final Port port;
  private final Coalescing.FrameConsumer toReassembler;

  Carrier(boolean extensions, boolean resuming, int maxCoalescedBytes, Counters counters, Negotiation negotiation,
      Outbound outbound, Streams streams, FlowControl flow, HalfClose halfClose, Events events, Resume resume,
      Liveness liveness, NamedServices named, Scheduler scheduler, Reassembler reassembler,
      IntFunction<MessageChannel.Listener> listeners, Port port) {
    this.extensions = extensions;
    this.resuming = resuming;
    this.maxCoalescedBytes = maxCoalescedBytes;
    this.counters = counters;
    this.negotiation = negotiation;
    this.outbound = outbound;
    this.streams = streams;
    this.flow = flow;
    this.halfClose = halfClose;
    this.events = events;
    this.resume = resume;
    this.liveness = liveness;
    this.named = named;
    this.scheduler = scheduler;
    this.reassembler = reassembler;
    this.listeners = listeners;
    this.port = port;
    // With coalescing every frame counts as one message of the channel for resume (RESUME_END, receipts): the peer's
    // Outbound numbers frames, not channel messages (see Outbound).
    this.toReassembler = frame -> {
      resume.received();
      reassembler.accept(frame);
    };
  }

  /**
   * What our HELLO announces over {@code channel}: what we support, services, datagrams where the channel has them
   * ({@link NamedServices#announced}), and resume when it is on.
   */
  static int announced(MessageChannel channel, boolean resuming) {
    return NamedServices.announced(channel) | (resuming ? Extensions.FEATURE_RESUME : 0);
  }

  /** A message from the peer on channel number {@code channel}. */
  void received(ByteBuffer message, int channel) {
    if (channel != liveness.channel()) {
      return; // a replaced channel's late message: the new channel's resume says what counts
    }
    counters.messagesFromPeer++;
    liveness.received();
    if (!negotiation.decided()) {
      resume.received();
      negotiated(negotiation.decide(message));
      reassembler.accept(message); // the first message is one frame: the peer did not know our features yet
    } else if (negotiation.coalesce()) {
      Coalescing.split(message, toReassembler); // counts each frame for resume
    } else {
      resume.received();
      reassembler.accept(message);
    }
    if (liveness.lost() && !resume.awaitingList() && outbound.attached() && port.running()) {
      // the same channel carries again, or a new one to a peer with nothing to resume
      liveness.restored(streams.count(), 0);
    }
  }

  /** The peer is known: the sockets opened before (a client's only) learn what is in use. */
  private void negotiated(int features) {
    if (negotiation.coalesce()) {
      outbound.coalesce(maxCoalescedBytes);
    }
    for (Stream stream : negotiation.openedBefore()) {
      if (!stream.isLive()) {
        continue;
      }
      flow.negotiated(stream.credit);
      halfClose.negotiated(stream);
      if (stream.isLive()) {
        stream.updateInterest();
      }
    }
    events.negotiated(features);
    resume.negotiated(features);
    named.negotiated();
  }

  /** Channel number {@code channel} drained below its low watermark. */
  void writable(int channel) {
    if (channel == liveness.channel() && outbound.markWritable()) {
      scheduler.unparkAll();
    }
  }

  /** Channel number {@code channel} closed: the connection is lost (resume), or the bridge closes. */
  void closed(String reason, int channel) {
    if (channel != liveness.channel()) {
      return; // a channel we replaced (we closed it ourselves)
    }
    if (resume.canResume() && port.running()) {
      outbound.detach();
      liveness.lose("channel closed: " + reason);
    } else {
      port.stop("channel closed: " + reason);
    }
  }

  /** The transport of channel number {@code channel} confirms the peer now, or no longer does. */
  void pathChanged(boolean confirmed, int channel) {
    if (channel == liveness.channel()) {
      liveness.path(confirmed);
    }
  }

  /** A new channel to the same peer replaces the current one: HELLO on it, and resume lists the sockets. */
  void attach(MessageChannel next) {
    if (!port.running()) {
      next.close("the bridge is closing: " + port.closeReason());
      return;
    }
    if (outbound.attached()) {
      outbound.closeChannel("replaced by a new channel");
    }
    int number = liveness.next();
    outbound.attach(next);
    named.attach(next); // the services state carries over; the new channel gets its own datagram transport
    negotiation.restart(streams.live(), announced(next, resuming));
    liveness.started();
    liveness.lose("the channel was replaced"); // until the peer is back on the new one
    try {
      next.start(listeners.apply(number));
    } catch (RuntimeException e) {
      Events.LOG.log(Level.WARNING, "the new channel failed to start: {0}", e.toString());
      outbound.detach();
      return;
    }
    if (extensions) {
      outbound.sendExtension(Extensions.hello(negotiation.announced()));
      resume.attached();
    }
    scheduler.unparkAll();
  }
}

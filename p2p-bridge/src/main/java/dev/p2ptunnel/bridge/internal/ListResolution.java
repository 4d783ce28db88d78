package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Resumption;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One resolution of the peer's list on a new channel (docs/PROTOCOL.md, "Resumable streams", "Resolving"): for each
 * live socket and tombstone, from the peer's entry for it and the count of our previous channel's messages it
 * handled, what to send again ({@link Resender.Job}: DATA after what it received, a lost CONNECT, FIN or CLOSE), the
 * credit it grants, or that the socket cannot be resumed and closes. Made by {@link Resume} when the peer's
 * RESUME_END arrives, used at once. Loop thread only.
 */
final class ListResolution {
  private final boolean client;
  private final String peerName;
  /** Our number of the current channel. */
  private final int channel;
  /** The peer's number of the previous channel, and how many of our messages on it the peer handled. */
  private final long prev;
  private final long handled;
  private final Streams streams;
  private final FlowControl flow;
  private final Events events;
  private final Resender resender;
  private final Consumer<Tombstones.Tombstone> drop;

  ListResolution(boolean client, String peerName, int channel, long prev, long handled, Streams streams,
      FlowControl flow, Events events, Resender resender, Consumer<Tombstones.Tombstone> drop) {
    this.client = client;
    this.peerName = peerName;
    this.channel = channel;
    this.prev = prev;
    this.handled = handled;
    this.streams = streams;
    this.flow = flow;
    this.events = events;
    this.resender = resender;
    this.drop = drop;
  }

  /** A live socket and the peer's entry for it (null: the peer does not have it). */
  void live(Stream stream, Resumption.@Nullable Resume resume) {
    Resumable state = stream.resumable;
    if (state == null) {
      done(stream);
      return;
    }
    boolean connectLost = client && lost(state.connect);
    if (resume != null && !(resume.ended() && connectLost)) {
      if (resume.ended()) {
        settle(state);
        done(stream); // the peer ended it; its own last messages follow
        return;
      }
      String bad = outOfRange(state, resume.received());
      if (bad != null) {
        stream.resending = false;
        streams.abort(stream, ErrorKind.NOT_RESUMED, bad);
        return;
      }
      if (flow.active()) {
        stream.credit.send = Math.max(0, resume.granted() - stream.bytes.toPeer);
      }
      Resender.Job job = new Resender.Job(stream.id, state, resume.received());
      job.fin = lost(state.fin);
      settle(state);
      resender.add(job);
    } else if (connectLost) {
      if (state.log.start() != 0) {
        stream.resending = false;
        streams.abort(stream, ErrorKind.NOT_RESUMED, "cannot resume: the host never had this connection and this "
            + "side no longer keeps its first " + state.log.start() + " bytes");
        return;
      }
      Resender.Job job = new Resender.Job(stream.id, state, 0);
      job.connect = true;
      job.serviceId = stream.serviceId; // the CONNECT sent again names the same service (named services)
      job.grant = flow.initialGrant();
      job.fin = state.fin != null;
      state.connect = null;
      state.fin = null;
      resender.add(job);
    } else if (stream.live().readsLocal()) {
      stream.resending = false;
      events.error(ErrorKind.NOT_RESUMED, stream.id, "the " + peerName + " no longer has this connection");
      streams.end(stream, "the " + peerName + " no longer has this connection", Streams.Ending.ORDERLY);
    } else {
      settle(state);
      done(stream); // the peer is done with it: only what it sent is left to write out here
    }
  }

  /** A tombstone and the peer's entry for its socket (null: the peer does not have it). */
  void tombstone(Tombstones.Tombstone t, Resumption.@Nullable Resume resume) {
    Resumable state = t.state();
    boolean connectLost = client && lost(state.connect);
    if (resume == null || resume.ended() || connectLost || outOfRange(state, resume.received()) != null) {
      drop.accept(t); // the peer is done with it, never had it, or ended it too
      return;
    }
    Resender.Job job = new Resender.Job(t.id(), state, resume.received());
    job.fin = lost(state.fin);
    job.close = lost(state.close);
    settle(state);
    if (job.done()) {
      drop.accept(t);
    } else {
      resender.add(job); // sending updates the marks; a PONG drops the tombstone
    }
  }

  /** Why the peer's {@code received} cannot be resumed from, or null. */
  private static @Nullable String outOfRange(Resumable state, long received) {
    if (received < state.log.start() || received > state.log.end()) {
      return "cannot resume: the peer received " + received + " bytes, this side keeps bytes " + state.log.start()
          + ".." + state.log.end();
    }
    return null;
  }

  /** Whether a message marked {@code mark} was lost: sent on an earlier channel and never handled by the peer. */
  private boolean lost(Resumable.@Nullable Mark mark) {
    return mark != null && mark.channel() < channel
        && (mark.channel() > prev || (mark.channel() == prev && mark.seq() > handled));
  }

  /** Marks of earlier channels are settled now: delivered ones are forgotten, lost ones are being sent again. */
  private void settle(Resumable state) {
    if (state.connect != null && state.connect.channel() < channel) {
      state.connect = null;
    }
    if (state.fin != null && state.fin.channel() < channel && !lost(state.fin)) {
      state.fin = null;
    }
    if (state.close != null && state.close.channel() < channel && !lost(state.close)) {
      state.close = null;
    }
  }

  /** The socket is resolved: it is read again (unless it waits for a resend job). */
  static void done(Stream stream) {
    if (stream.resending) {
      stream.resending = false;
      stream.updateInterest();
    }
  }
}

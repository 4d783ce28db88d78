package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Resumption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The resume extension (docs/PROTOCOL.md, "Resumable streams"): logical sockets that survive the channel under them
 * being replaced, with no byte lost, repeated or reordered.
 *
 * <ul>
 *   <li>Every socket keeps the DATA bytes the peer has not confirmed and where its last CONNECT, FIN and CLOSE went
 *       ({@link Retention}).
 *   <li>Each channel starts with HELLO and SESSION: who this bridge is, whom it talked to before, its number for the
 *       channel and its window. On a new channel both sides list their sockets (RESUME: received and granted bytes),
 *       then RESUME_END: how many messages of the previous channel they handled. From the peer's list each side sends
 *       again what was lost ({@link Resender}), fixes the credit, and closes what the peer no longer has.
 *   <li>A socket that ended while its last messages may not have arrived stays as a tombstone (its id kept) until
 *       the peer confirms them ({@link Tombstones}).
 *   <li>A peer that turns out to be another bridge (it restarted) has none of our sockets: they are closed.
 * </ul>
 *
 * Loop thread only.
 */
final class Resume {
  /** What the resume logic needs from the loop. */
  interface Port {
    /** The peer is back: {@code resumed} sockets carry on, {@code closed} were closed (the peer no longer had them). */
    void restored(int resumed, int closed);

    /** The bridge closes. */
    void stop(String reason);

    /** A socket id kept for a tombstone is free now. */
    void released(Stream stream);
  }

  private final boolean enabled;
  private final long bridgeId;
  private final int window;
  private final boolean client;
  private final String peerName;
  private final Outbound outbound;
  private final Streams streams;
  private final FlowControl flow;
  private final Events events;
  private final Ticker ticker;
  private final Port port;
  private final Resender resender;
  private final Tombstones tombstones;
  private final Retention retention;
  private final Map<Integer, Resumption.Resume> peerList = new HashMap<>();

  /** Our number of the current channel. */
  private int channel;
  /** The peer's messages handled on the current channel. */
  private long processed;
  /** The peer's number of the current channel (its SESSION), -1 before. */
  private long peerChannel = -1;
  /** The last channel before the current one whose SESSION we handled (the peer's number), and its messages handled. */
  private long prevPeerChannel = -1;
  private long prevProcessed;
  private long peerBridgeId;
  /** The peer announced the extension on the current channel and sent its SESSION. */
  private boolean inUse;
  /** Whether the current channel's negotiation offered the extension (the SESSION follows). */
  private boolean offered;
  /** The current channel's negotiation did not offer it: new sockets keep nothing. */
  private boolean rejected;
  /** We sent our list on a new channel; the peer's is not complete yet. */
  private boolean awaitingList;
  /** Ending every socket without tombstones (the peer has none of them). */
  private boolean forgetting;
  private boolean byeReceived;

  Resume(boolean enabled, int window, boolean client, Outbound outbound, Streams streams, FlowControl flow,
      Events events, Ticker ticker, Port port) {
    this.enabled = enabled;
    this.window = window;
    this.client = client;
    this.peerName = client ? "host" : "client";
    this.outbound = outbound;
    this.streams = streams;
    this.flow = flow;
    this.events = events;
    this.ticker = ticker;
    this.port = port;
    long id;
    SplittableRandom random = new SplittableRandom();
    do {
      id = random.nextLong();
    } while (id == 0);
    this.bridgeId = id;
    this.resender = new Resender(outbound, this::jobDone);
    this.tombstones = new Tombstones(outbound, resender, port::released);
    this.retention = new Retention(enabled, client, streams, tombstones);
  }

  /** Whether the extension is in use on the current channel. */
  boolean inUse() {
    return inUse;
  }

  /** Whether the sockets can outlive the current channel: the peer is known and resumes. */
  boolean canResume() {
    return enabled && peerBridgeId != 0;
  }

  /** Our list went out on a new channel and the peer's is not complete: the sockets wait. */
  boolean awaitingList() {
    return awaitingList;
  }

  boolean byeReceived() {
    return byeReceived;
  }

  /**
   * Whether the peer may understand a BYE on the current channel: it announced the extension, or it has not said yet
   * (an original peer ignores the unknown event, as it ignored our SESSION).
   */
  boolean peerMayResume() {
    return enabled && !rejected;
  }

  Resender resender() {
    return resender;
  }

  /** What the sockets keep for resending: it sees every message sent, and every socket opened. */
  Retention retention() {
    return retention;
  }

  /** Sockets ended and kept until the peer confirms their last messages. */
  int tombstones() {
    return tombstones.size();
  }

  // ------------------------------------------------------------------------------------------------ channels

  /** The channel's first messages after HELLO: the SESSION (a new channel also lists the sockets). */
  void started() {
    if (enabled) {
      outbound.sendExtension(Resumption.session(bridgeId, peerBridgeId, channel, window));
    }
  }

  /** A new channel replaced the current one (HELLO already sent on it): SESSION, and the list if we can resume. */
  void attached() {
    if (peerChannel >= 0) {
      prevPeerChannel = peerChannel;
      prevProcessed = processed;
    }
    channel++;
    tombstones.channel(channel);
    retention.channel(channel);
    processed = 0;
    peerChannel = -1;
    inUse = false;
    offered = false;
    rejected = false;
    awaitingList = false;
    resender.clear();
    peerList.clear();
    started();
    if (!enabled) {
      return;
    }
    if (!canResume()) {
      forgetAll("the connection was lost before the " + peerName + " was known: it cannot be resumed");
      return;
    }
    long count = 0;
    for (Stream stream : streams.live()) {
      outbound.sendExtension(Resumption.resume(stream.id, stream.bytes.fromPeer,
          stream.bytes.fromPeer + Math.max(0, stream.credit.receive), false));
      stream.resending = true;
      stream.updateInterest();
      count++;
    }
    for (Tombstones.Tombstone t : tombstones.all()) {
      outbound.sendExtension(Resumption.resume(t.id(), t.received(), t.received(), true));
      count++;
    }
    outbound.sendExtension(Resumption.end(Math.max(0, prevPeerChannel), prevProcessed, count));
    awaitingList = true;
  }

  /** A message of the current channel was handled. */
  void received() {
    processed++;
  }

  /** The current channel's first message decided the features. */
  void negotiated(int features) {
    if (!enabled) {
      return;
    }
    offered = (features & Extensions.FEATURE_RESUME) != 0
        && (features & Extensions.ALL_FEATURES) == Extensions.ALL_FEATURES;
    if (offered) {
      return; // the SESSION follows
    }
    rejected = true;
    boolean wasAwaiting = awaitingList;
    awaitingList = false;
    int closed = 0;
    if (peerBridgeId != 0) {
      closed = forgetAll("the " + peerName + " no longer resumes connections");
    }
    peerBridgeId = 0;
    retention.rejected();
    if (wasAwaiting) {
      port.restored(streams.count(), closed);
    }
  }

  /** The peer's SESSION on the current channel. */
  void onSession(Resumption.Session session) {
    if (!enabled || !offered || peerChannel >= 0) {
      return; // not negotiated, or a second SESSION on one channel
    }
    peerChannel = session.channel();
    inUse = true;
    retention.inUse(session.window()); // what the peer already confirmed goes
    if (peerBridgeId == 0) {
      peerBridgeId = session.bridgeId();
      return;
    }
    if (session.bridgeId() == peerBridgeId && session.peerBridgeId() == bridgeId) {
      return; // the same two bridges: the peer's list follows
    }
    boolean wasAwaiting = awaitingList;
    awaitingList = false;
    int closed = forgetAll(session.bridgeId() != peerBridgeId
        ? "the " + peerName + " restarted and no longer has this connection"
        : "the " + peerName + " no longer has this connection");
    peerBridgeId = session.bridgeId();
    if (wasAwaiting) {
      port.restored(streams.count(), closed);
    }
  }

  /** One socket of the peer's list. */
  void onResume(Resumption.Resume resume) {
    if (awaitingList && inUse) {
      peerList.put(resume.socketId(), resume);
    }
  }

  /** The end of the peer's list: send again what it missed, close what it no longer has. */
  void onEnd(Resumption.End end) {
    if (!awaitingList || !inUse) {
      return;
    }
    awaitingList = false;
    long prev = end.channel();
    long handled = end.processed();
    int before = streams.count();
    ListResolution resolution = new ListResolution(client, peerName, channel, prev, handled, streams, flow, events,
        resender, tombstones::drop);
    for (Stream stream : streams.live()) {
      resolution.live(stream, peerList.remove(stream.id));
    }
    for (Tombstones.Tombstone t : tombstones.all()) {
      resolution.tombstone(t, peerList.remove(t.id()));
    }
    peerList.clear(); // sockets we no longer have: the peer's own rules close them
    int resumed = streams.count();
    port.restored(resumed, Math.max(0, before - resumed));
  }

  private void jobDone(int socketId) {
    Stream stream = streams.get(socketId);
    if (stream != null) {
      ListResolution.done(stream);
    }
  }

  /** Ends every socket and tombstone without telling the peer, which has none of them; returns the sockets ended. */
  private int forgetAll(String reason) {
    int ended = streams.count();
    if (ended > 0) {
      Events.LOG.log(System.Logger.Level.INFO, "closing {0} connection(s) cleanly (FIN after what arrived): {1}",
          ended, reason);
    }
    forgetting = true;
    try {
      for (Stream stream : streams.live()) {
        stream.resending = false;
        events.error(ErrorKind.NOT_RESUMED, stream.id, reason);
        streams.end(stream, reason, Streams.Ending.ORDERLY);
      }
    } finally {
      forgetting = false;
    }
    tombstones.dropAll();
    resender.clear();
    return ended;
  }

  // ------------------------------------------------------------------------------------------------ sockets

  /** A socket id opens a new life (a CONNECT for it): its tombstone, if any, goes. */
  void newLife(int socketId) {
    Tombstones.Tombstone t = tombstones.get(socketId);
    if (t != null) {
      tombstones.drop(t);
    }
  }

  /**
   * A socket ended.
   *
   * @return whether its id stays taken (a tombstone until the peer confirms its last messages)
   */
  boolean ended(Stream stream) {
    Resumable state = stream.resumable;
    if (state == null) {
      return false;
    }
    boolean byPeer = stream.lastLive == StreamState.Live.CLOSE_RECEIVED;
    if (state.close != null || byPeer) {
      resender.cancel(stream.id); // aborted, or the peer closed it: it wants no more bytes
    }
    if (forgetting || byPeer || !canResume()
        || (!tombstones.unconfirmed(state.fin) && !tombstones.unconfirmed(state.close))) {
      resender.cancel(stream.id);
      state.log.clear();
      return false;
    }
    tombstones.keep(new Tombstones.Tombstone(stream.id, stream, state, stream.bytes.fromPeer));
    return true;
  }

  // ------------------------------------------------------------------------------------------------ receipts

  /** The nonce for a PING now: with the extension, our last sequence number, so that the PONG confirms up to it. */
  long pingNonce(Keepalive keepalive) {
    return inUse ? outbound.sentOnChannel() : keepalive.nextNonce();
  }

  /** Whether a receipt PING is due: tombstones wait for confirmation and none is on its way. */
  boolean receiptDue(long nowNanos) {
    return tombstones.receiptDue(inUse && !awaitingList && outbound.attached(), nowNanos);
  }

  /** A receipt PING goes out now; returns its nonce. */
  long receiptSent(long nowNanos) {
    return tombstones.receiptSent(nowNanos);
  }

  /** A PONG: the peer handled our messages up to {@code nonce} on this channel. */
  void onPong(long nonce) {
    if (inUse) {
      tombstones.confirmed(nonce);
    }
  }

  /** The peer closes on purpose. */
  void onBye(String reason) {
    if (!inUse) {
      return;
    }
    byeReceived = true;
    port.stop("closed by the " + peerName + ": " + reason);
  }

  /** The ids kept for tombstones (tests). */
  List<Integer> tombstoneIds() {
    return tombstones.ids();
  }
}

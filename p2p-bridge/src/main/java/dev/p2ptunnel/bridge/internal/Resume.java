package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.Resumption;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The resume extension (docs/PROTOCOL.md, "Resumable streams"): logical sockets that survive the channel under them
 * being replaced, with no byte lost, repeated or reordered.
 *
 * <ul>
 *   <li>Every socket keeps the DATA bytes the peer has not confirmed ({@link SendLog}; WINDOW credit is the
 *       confirmation, so a socket keeps at most the peer's window) and where its last CONNECT, FIN and CLOSE went
 *       ({@link Resumable.Mark}: our channel number and the message's sequence number on it).
 *   <li>Each channel starts with HELLO and SESSION: who this bridge is, whom it talked to before, its number for the
 *       channel and its window. On a new channel both sides list their sockets (RESUME: received and granted bytes),
 *       then RESUME_END: how many messages of the previous channel they handled. From the peer's list each side sends
 *       again what was lost ({@link Resender}), fixes the credit, and closes what the peer no longer has.
 *   <li>A socket that ended while its last messages may not have arrived stays as a tombstone (its id kept) until
 *       the peer confirms them: a PONG whose nonce is the sequence number of our last message before the PING.
 *   <li>A peer that turns out to be another bridge (it restarted) has none of our sockets: they are closed.
 * </ul>
 *
 * Loop thread only.
 */
final class Resume implements Outbound.Sent {
  /** A receipt PING without its PONG is sent again after this long. */
  static final long RECEIPT_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What the resume logic needs from the loop. */
  interface Port {
    /** The peer is back: {@code resumed} sockets carry on, {@code closed} were closed (the peer no longer had them). */
    void restored(int resumed, int closed);

    /** The bridge closes. */
    void stop(String reason);

    /** A socket id kept for a tombstone is free now. */
    void released(Stream stream);
  }

  /**
   * An ended socket whose last messages the peer has not confirmed; {@code stream} is null for a socket that never
   * opened here (a refused CONNECT).
   */
  record Tombstone(int id, @Nullable Stream stream, Resumable state, long received) {}

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
  private final SendLog.Pool pool = new SendLog.Pool(64);
  private final Resender resender;
  private final Map<Integer, Tombstone> tombstones = new HashMap<>();
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
  private long peerWindow;
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
  /** Highest sequence number of the current channel the peer confirmed. */
  private long confirmedSeq;
  private long receiptSeq = -1;
  private long receiptSentNanos;

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

  /** Bytes kept by every socket's log (whole blocks). */
  long keptBytes() {
    return pool.bytesInUse();
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
    processed = 0;
    peerChannel = -1;
    inUse = false;
    offered = false;
    rejected = false;
    awaitingList = false;
    confirmedSeq = 0;
    receiptSeq = -1;
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
    for (Tombstone t : tombstones.values()) {
      outbound.sendExtension(Resumption.resume(t.id, t.received, t.received, true));
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
    for (Stream stream : streams.live()) {
      dropLog(stream); // no peer of this channel will ever ask for them
    }
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
    peerWindow = session.window();
    inUse = true;
    if (peerBridgeId == 0) {
      peerBridgeId = session.bridgeId();
      trimAll();
      return;
    }
    if (session.bridgeId() == peerBridgeId && session.peerBridgeId() == bridgeId) {
      trimAll();
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
        resender, this::drop);
    for (Stream stream : streams.live()) {
      resolution.live(stream, peerList.remove(stream.id));
    }
    for (Tombstone t : new ArrayList<>(tombstones.values())) {
      resolution.tombstone(t, peerList.remove(t.id));
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
    for (Tombstone t : new ArrayList<>(tombstones.values())) {
      drop(t);
    }
    resender.clear();
    return ended;
  }

  // ------------------------------------------------------------------------------------------------ sockets

  /** A socket opened: it keeps what it sends while the extension is, or may still be, in use. */
  void opened(Stream stream) {
    if (enabled && !rejected) {
      stream.resumable = new Resumable(pool);
    }
  }

  /** A socket id opens a new life (a CONNECT for it): its tombstone, if any, goes. */
  void newLife(int socketId) {
    Tombstone t = tombstones.get(socketId);
    if (t != null) {
      drop(t);
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
    if (forgetting || byPeer || !canResume() || (!unconfirmed(state.fin) && !unconfirmed(state.close))) {
      resender.cancel(stream.id);
      state.log.clear();
      return false;
    }
    tombstones.put(stream.id, new Tombstone(stream.id, stream, state, stream.bytes.fromPeer));
    return true;
  }

  private boolean unconfirmed(Resumable.@Nullable Mark mark) {
    return mark != null && !(mark.channel() == channel && mark.seq() <= confirmedSeq);
  }

  private void drop(Tombstone t) {
    tombstones.remove(t.id);
    resender.cancel(t.id);
    t.state.log.clear();
    if (t.stream != null) {
      port.released(t.stream);
    }
  }

  /** The peer granted credit on {@code stream}: bytes it confirms by that are dropped from the log. */
  void granted(Stream stream) {
    Resumable state = stream.resumable;
    if (state == null || peerWindow == 0 || stream.credit.send == Credit.UNLIMITED) {
      return;
    }
    long keep = Math.max(0, peerWindow - stream.credit.send);
    long from = state.log.end() - keep;
    if (from > state.log.start()) {
      state.log.trimTo(from);
    }
  }

  private void trimAll() {
    for (Stream stream : streams.live()) {
      granted(stream);
    }
  }

  private static void dropLog(Stream stream) {
    Resumable state = stream.resumable;
    if (state != null) {
      state.log.clear();
      stream.resumable = null;
    }
  }

  // ------------------------------------------------------------------------------------------------ receipts

  /** The nonce for a PING now: with the extension, our last sequence number, so that the PONG confirms up to it. */
  long pingNonce(Keepalive keepalive) {
    return inUse ? outbound.sentOnChannel() : keepalive.nextNonce();
  }

  /** Whether a receipt PING is due: tombstones wait for confirmation and none is on its way. */
  boolean receiptDue(long nowNanos) {
    return inUse && !tombstones.isEmpty() && !awaitingList && outbound.attached()
        && (receiptSeq < 0 || nowNanos - receiptSentNanos >= RECEIPT_RETRY_NANOS);
  }

  /** A receipt PING goes out now; returns its nonce. */
  long receiptSent(long nowNanos) {
    receiptSeq = outbound.sentOnChannel();
    receiptSentNanos = nowNanos;
    return receiptSeq;
  }

  /** A PONG: the peer handled our messages up to {@code nonce} on this channel. */
  void onPong(long nonce) {
    if (!inUse) {
      return;
    }
    long confirmed = Math.min(nonce, outbound.sentOnChannel());
    if (confirmed <= confirmedSeq) {
      return;
    }
    confirmedSeq = confirmed;
    if (receiptSeq >= 0 && receiptSeq <= confirmed) {
      receiptSeq = -1;
    }
    for (Tombstone t : new ArrayList<>(tombstones.values())) {
      if (!unconfirmed(t.state.fin) && !unconfirmed(t.state.close) && !resender.has(t.id)) {
        drop(t);
      }
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

  // ------------------------------------------------------------------------------------------------ Outbound.Sent

  @Override
  public void data(Stream stream, ByteBuffer frame, int index, int length) {
    Resumable state = stream.resumable;
    if (state != null) {
      state.log.append(frame, index, length);
    }
  }

  @Override
  public void message(int event, int socketId, long seq) {
    if (!enabled || event == Frame.EVENT_DATA) {
      return;
    }
    if (event != Frame.EVENT_CONNECT && event != Frame.EVENT_FIN && event != Frame.EVENT_CLOSE) {
      return;
    }
    Resumable state = stateOf(socketId);
    if (state == null) {
      if (event != Frame.EVENT_CLOSE || !inUse) {
        return;
      }
      // A CLOSE for a socket that never opened here (the host refusing a CONNECT): kept until confirmed.
      state = new Resumable(pool);
      tombstones.put(socketId, new Tombstone(socketId, null, state, 0));
    }
    Resumable.Mark mark = new Resumable.Mark(channel, seq);
    switch (event) {
      case Frame.EVENT_CONNECT -> state.connect = client ? mark : null;
      case Frame.EVENT_FIN -> state.fin = mark;
      default -> state.close = mark;
    }
  }

  private @Nullable Resumable stateOf(int socketId) {
    Stream stream = streams.get(socketId);
    if (stream != null) {
      return stream.resumable;
    }
    Tombstone t = tombstones.get(socketId);
    return t == null ? null : t.state;
  }

  /** The ids kept for tombstones (tests). */
  List<Integer> tombstoneIds() {
    return List.copyOf(tombstones.keySet());
  }
}

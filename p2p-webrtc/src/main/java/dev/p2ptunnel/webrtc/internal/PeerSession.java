package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.p2ptunnel.bridge.DatagramTransport;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.Identity;
import dev.p2ptunnel.webrtc.InvalidDescriptionException;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.SessionPlugin;
import dev.p2ptunnel.webrtc.SessionState;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcException;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The {@link WebRtcSession} over webrtc-java 0.14.0. Thread-safe.
 *
 * <p>Threads: one daemon session thread ({@code p2pt-webrtc-N}, {@link SessionThread}) owns the peer connection: it
 * makes every control call (descriptions, stats, teardown) and runs the timers. libwebrtc's signaling thread (one per
 * factory, so one per session) runs the callbacks, which only take note and hand work to the session thread. Senders
 * call the native channel directly (webrtc-java allows any thread), guarded against disposal by the channel's send
 * lock.
 *
 * <p>This class is the session's lifecycle (its state, the channel's opening, the close and the teardown) and its
 * entry points; the parts, each on the threads its javadoc names: {@link OfferAnswer} (the first offer/answer
 * exchange and the gathering), {@link IceRestarts} (later exchanges), {@link ConnectionWatch} (what a change of the
 * connection state means), {@link PathRequests} ({@link #path()}), {@link DataChannelMessageChannel} and
 * {@link DataChannelDatagrams} (the channels), {@link SessionObservers} (the plugins).
 *
 * <p>Teardown, once, on the session thread, in the order that webrtc-java 0.14.0 survives: channel unregister,
 * close, dispose; connection close; factory dispose. The audio module is shared by all sessions and never disposed
 * (see {@link NativeObjects#sharedAudioModule()}).
 *
 * <p>A session is either self-managed (the default: it closes when ICE fails or stays disconnected past
 * {@link WebRtcConfig#disconnectTimeout()}) or managed by a tunnel ({@link #manage}): then it reports every change of
 * the connection state and stays open through DISCONNECTED and FAILED, because the tunnel restarts ICE
 * ({@link #restartOffer}, {@link #answerRestart}) or replaces the session.
 *
 * <p>Known native leak (webrtc-java 0.14.0, upstream #239/#283): the native peer connection is never released, and
 * it keeps its factory's media engine alive, so every session leaves one parked native thread ("rtc-low-prio") and
 * about 0.5 MiB of native memory behind. Measured and bounded in SessionLeakTest.
 */
public final class PeerSession implements WebRtcSession {
  static final System.Logger LOG = System.getLogger(PeerSession.class.getName());
  private static final AtomicLong IDS = new AtomicLong();
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final WebRtcConfig config;
  private final boolean offerer;
  private final SessionThread thread;
  private final PeerConnectionFactory factory;
  private final RTCPeerConnection pc;
  private final RTCDataChannel dc;
  private final DataChannelMessageChannel channel;
  private final OfferAnswer exchange;
  private final IceRestarts restarts; // session thread
  private final ConnectionWatch watch;
  private final PathRequests paths;
  private final SessionChannels channels;
  private final SessionObservers observers;

  private final AtomicReference<SessionState> state = new AtomicReference<>(SessionState.GATHERING);
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile String closeReason = "";

  private PeerSession(WebRtcConfig config, boolean offerer, @Nullable Identity identity, boolean patient) {
    this.config = Objects.requireNonNull(config, "config");
    this.offerer = offerer;
    this.name = "p2pt-webrtc-" + IDS.incrementAndGet();
    this.observers = new SessionObservers(name);
    this.thread = new SessionThread(name, this::closeAsync);
    SetupTrace.step(name, "session thread started");

    NativeObjects.Natives natives;
    try {
      natives = NativeObjects.create(name, config, identity, new ConnectionObserver());
    } catch (WebRtcException e) {
      thread.abandon();
      throw e;
    }
    this.factory = natives.factory();
    this.pc = natives.pc();
    this.dc = natives.dc();
    this.channel = new DataChannelMessageChannel(dc, this, config);
    this.channels = new SessionChannels(this, thread, pc, channel, config.connectTimeout());
    this.restarts = new IceRestarts(this, pc, config.gatheringTimeout());
    this.exchange = new OfferAnswer(this, thread, pc, config, offerer, channel, channels, restarts);
    this.watch = new ConnectionWatch(this, thread, pc, channel, channels, config.disconnectTimeout(), patient);
    this.paths = new PathRequests(this, thread, pc);
    dc.registerObserver(channel);
    SetupTrace.step(name, offerer ? "offering peer connection made" : "answering peer connection made");
  }

  /** An offered or answered session as this class, for the tunnels' restarts. */
  static PeerSession of(WebRtcSession session) {
    if (!(session instanceof PeerSession peer)) {
      throw new IllegalArgumentException("session: " + session + " (expected: a PeerSession)");
    }
    return peer;
  }

  /**
   * From now on the tunnel manages the path: {@code watcher} hears every change of the connection state (on the
   * session thread; it must not block), and DISCONNECTED or FAILED no longer close the session.
   */
  void manage(Consumer<RTCPeerConnectionState> watcher) {
    watch.manage(watcher);
  }

  /** Offerer: a new offer that restarts ICE on this connection, once gathered; see {@link IceRestarts}. */
  CompletableFuture<IceRestarts.RestartOffer> restartOffer() {
    if (!offerer) {
      throw new IllegalStateException(name + ": restartOffer on the answering side (expected: the offerer)");
    }
    return restarts.startOffer();
  }

  /** Offerer: applies the peer's answer to the restart offer of {@code generation}. */
  CompletableFuture<Void> acceptRestartAnswer(SessionDescription answer, long generation) {
    return restarts.acceptAnswer(answer, generation);
  }

  /** Answerer: applies the peer's ICE restart offer and returns the answer, once gathered. */
  CompletableFuture<SessionDescription> answerRestart(SessionDescription offer) {
    return restarts.answerRestart(offer);
  }

  /** See {@link WebRtcSession#preload()}. */
  public static void preload() {
    try {
      NativeObjects.sharedAudioModule(); // its class loads the native library; the module is kept for every session
    } catch (Throwable t) {
      throw new WebRtcException("could not load libwebrtc: " + t, t);
    }
  }

  /** See {@link WebRtcSession#offer(WebRtcConfig)}. */
  public static WebRtcSession offer(WebRtcConfig config) {
    return offer(config, null);
  }

  /** An offering session whose DTLS certificate is {@code identity}'s (libwebrtc makes one when null). */
  public static WebRtcSession offer(WebRtcConfig config, @Nullable Identity identity) {
    PeerSession session = new PeerSession(config, true, identity, false);
    session.exchange.offer();
    return session;
  }

  /** See {@link WebRtcSession#answer(WebRtcConfig, SessionDescription)}. */
  public static WebRtcSession answer(WebRtcConfig config, SessionDescription remoteOffer) {
    return answer(config, remoteOffer, null);
  }

  /** An answering session whose DTLS certificate is {@code identity}'s (libwebrtc makes one when null). */
  public static WebRtcSession answer(WebRtcConfig config, SessionDescription remoteOffer,
      @Nullable Identity identity) {
    return answer(config, remoteOffer, identity, false);
  }

  /**
   * An answering session; {@code patient} when the answer travels by hand and the peer may apply it minutes later:
   * libwebrtc's own checks toward the peer give up after ~20 s (ICE FAILED), but a peer that applies the answer
   * later can still connect (through a TURN relay, whose allocation and permissions libwebrtc keeps alive), so a
   * FAILED state does not close the session before its channel opened or the connect timeout passed.
   */
  public static WebRtcSession answer(WebRtcConfig config, SessionDescription remoteOffer,
      @Nullable Identity identity, boolean patient) {
    Objects.requireNonNull(remoteOffer, "remoteOffer");
    if (remoteOffer.type() != SessionDescription.Type.OFFER) {
      throw new InvalidDescriptionException(
          "remote description: " + remoteOffer.type() + " (expected: OFFER, the answerer needs the peer's offer)");
    }
    PeerSession session = new PeerSession(config, false, identity, patient);
    session.exchange.answer(remoteOffer);
    return session;
  }

  @Override
  public void acceptAnswer(SessionDescription answer) {
    Objects.requireNonNull(answer, "answer");
    if (!offerer) {
      throw new IllegalStateException(name + ": acceptAnswer on the answering side (expected: the offerer)");
    }
    if (answer.type() != SessionDescription.Type.ANSWER) {
      throw new InvalidDescriptionException(
          "remote description: " + answer.type() + " (expected: ANSWER, the offerer needs the peer's answer)");
    }
    thread.requireBlockingAllowed("acceptAnswer()");
    exchange.acceptAnswer(answer);
  }

  /** Signaling thread: the DataChannel reported OPEN. */
  void channelOpened() {
    channels.opened();
  }

  void moveTo(SessionState from, SessionState to) {
    if (state.compareAndSet(from, to)) {
      observers.stateChanged(to);
    }
  }

  @Override
  public SessionDescription localDescription() {
    thread.requireBlockingAllowed("localDescription()");
    return Futures.await(exchange.localDescription(), config.gatheringTimeout().plusSeconds(5),
        name + ": local description");
  }

  @Override
  public CompletableFuture<SessionDescription> localDescriptionAsync() {
    return exchange.localDescription().copy();
  }

  @Override
  public MessageChannel dataChannel(Duration timeout) {
    thread.requireBlockingAllowed("dataChannel()");
    return Futures.await(channels.open(), timeout, name + ": data channel open");
  }

  @Override
  public CompletableFuture<MessageChannel> dataChannelAsync() {
    return channels.open().copy();
  }

  @Override
  public SessionState state() {
    return state.get();
  }

  @Override
  public CompletableFuture<String> closed() {
    return closed.copy();
  }

  @Override
  public CompletableFuture<PathType> path() {
    return paths.request();
  }

  @Override
  public AutoCloseable install(SessionPlugin plugin) {
    return observers.install(plugin, this);
  }

  /**
   * Opens the datagram channel (once; later calls get the same), on the session thread; completes when it is open.
   * See {@link DataChannelDatagrams}.
   */
  CompletableFuture<DatagramTransport> openDatagrams() {
    return channels.openDatagrams();
  }

  void messageSent(int bytes) {
    observers.messageSent(bytes);
  }

  void messageReceived(int bytes) {
    observers.messageReceived(bytes);
  }

  @Override
  public void close() {
    close("closed locally");
  }

  @Override
  public void close(String reason) {
    closeAsync(reason);
    if (!thread.inCallbackThread()) {
      try {
        closed.get(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.log(Level.WARNING, name + ": teardown did not finish within " + CLOSE_WAIT);
      }
    }
  }

  /** Starts the close, once; never blocks. */
  void closeAsync(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closeReason = reason;
    channel.markClosing();
    thread.executeTeardown(this::teardown);
  }

  /** Whether the close has started. */
  boolean closing() {
    return closing.get();
  }

  /** The failure of what asks a closed (or closing) session. */
  WebRtcException closedFailure() {
    return new WebRtcException(name + ": closed: " + closeReason);
  }

  /** Session thread, once. */
  private void teardown() {
    String reason = closeReason;
    state.set(SessionState.CLOSED);
    if (watch.state() == RTCPeerConnectionState.CONNECTED) {
      channels.flush(dc);
    }
    channel.shutdown(reason);
    restarts.closed(reason);
    WebRtcException failure = new WebRtcException(name + ": closed: " + reason);
    exchange.closed(failure);
    channels.open().completeExceptionally(failure);
    observers.closed(reason);
    channels.releaseDatagrams(reason);
    NativeObjects.release(name, dc, pc, factory);
    // Stop the thread first (see PathRequests.closed); it interrupts this very thread, and clears that again.
    thread.stop();
    paths.closed(failure);
    LOG.log(Level.DEBUG, () -> name + ": closed: " + reason);
    closed.complete(reason);
  }

  /** Runs {@code task} on the session thread unless the session is gone (then false); failures close the session. */
  boolean onSessionThread(Runnable task) {
    return thread.execute(task);
  }

  /** Runs {@code task} on the session thread after {@code delayNs}, unless the session is gone. */
  @Nullable Future<?> schedule(Runnable task, long delayNs) {
    return thread.schedule(task, delayNs);
  }

  void noteCallbackThread() {
    thread.noteCallbackThread();
  }

  void callbackFailed(String callback, Throwable t) {
    try {
      LOG.log(Level.ERROR, name + ": " + callback + " failed", t);
      closeAsync(callback + " failed: " + t);
    } catch (Throwable ignored) {
      // nothing may escape into native code
    }
  }

  String name() {
    return name;
  }

  @Override
  public String toString() {
    return name + "[" + (offerer ? "offerer" : "answerer") + ", " + state.get() + "]";
  }

  /** Callbacks of the peer connection: signaling thread; handed to the parts, which catch Throwable. */
  private final class ConnectionObserver implements PeerConnectionObserver {
    @Override
    public void onIceCandidate(RTCIceCandidate candidate) {
      try { // vanilla ICE: candidates travel inside the description (which may go before gathering completes)
        exchange.candidateGathered(candidate.sdp);
      } catch (Throwable t) { // only before the constructor finished: the parts catch their own
        callbackFailed("onIceCandidate", t);
      }
    }

    @Override
    public void onIceConnectionChange(RTCIceConnectionState ice) {
      SetupTrace.step(name, "ICE", ice);
    }

    @Override
    public void onIceGatheringChange(RTCIceGatheringState gathering) {
      try {
        exchange.gatheringChanged(gathering);
      } catch (Throwable t) { // only before the constructor finished: the parts catch their own
        callbackFailed("onIceGatheringChange", t);
      }
    }

    @Override
    public void onConnectionChange(RTCPeerConnectionState connection) {
      try {
        watch.changed(connection);
      } catch (Throwable t) { // only before the constructor finished: the parts catch their own
        callbackFailed("onConnectionChange", t);
      }
    }
  }
}

package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * <p>Threads: one daemon session thread ({@code p2pt-webrtc-N}) owns the peer connection: it makes every control
 * call (descriptions, stats, teardown) and runs the timers. libwebrtc's signaling thread (one per factory, so one
 * per session) runs the callbacks, which only take note and hand work to the session thread. Senders call the
 * native channel directly (webrtc-java allows any thread), guarded against disposal by the channel's send lock.
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
  private static final Duration STATS_TIMEOUT = Duration.ofSeconds(5);

  private final String name;
  private final WebRtcConfig config;
  private final boolean offerer;
  private final ScheduledThreadPoolExecutor executor;
  private final Thread sessionThread;
  private final PeerConnectionFactory factory;
  private final RTCPeerConnection pc;
  private final RTCDataChannel dc;
  private final DataChannelMessageChannel channel;

  private final AtomicReference<SessionState> state = new AtomicReference<>(SessionState.GATHERING);
  private final CompletableFuture<SessionDescription> localDescription = new CompletableFuture<>();
  private final CompletableFuture<MessageChannel> open = new CompletableFuture<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final CompletableFuture<Void> remoteApplied = new CompletableFuture<>();
  private final AtomicBoolean remoteGiven = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  /** {@link #path()} requests not answered yet. */
  private final Set<CompletableFuture<PathType>> statsRequests = ConcurrentHashMap.newKeySet();
  private volatile String closeReason = "";
  private volatile @Nullable Thread signalingThread;
  private final SessionObservers observers;
  private @Nullable Future<?> disconnectTimer; // session thread
  private volatile boolean patient;
  private final IceRestarts restarts; // session thread
  private volatile @Nullable Consumer<RTCPeerConnectionState> pathWatcher;
  private volatile RTCPeerConnectionState connectionState = RTCPeerConnectionState.NEW;
  /** A BYE may be in the send queue when the close is deliberate: the teardown lets it leave first. */
  private static final Duration FLUSH_WAIT = Duration.ofMillis(300);
  /** The datagram channel, once the bridge asked for it (DataChannelDatagrams); created and released on the session thread. */
  private volatile @Nullable DataChannelDatagrams datagrams;

  private PeerSession(WebRtcConfig config, boolean offerer, @Nullable Identity identity) {
    this.config = Objects.requireNonNull(config, "config");
    this.offerer = offerer;
    this.name = "p2pt-webrtc-" + IDS.incrementAndGet();
    this.observers = new SessionObservers(name);
    AtomicReference<@Nullable Thread> thread = new AtomicReference<>();
    this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      thread.set(t);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.prestartCoreThread();
    this.sessionThread = Objects.requireNonNull(thread.get());

    PeerConnectionFactory pcf = null;
    RTCPeerConnection connection = null;
    try {
      pcf = NativeObjects.newFactory();
      connection = pcf.createPeerConnection(NativeObjects.toRtc(config, identity), new ConnectionObserver());
      RTCDataChannelInit init = new RTCDataChannelInit();
      init.negotiated = true;
      init.id = 0;
      init.ordered = true; // maxRetransmits and maxPacketLifeTime stay unset: reliable
      this.dc = connection.createDataChannel("data", init);
    } catch (Throwable t) {
      NativeObjects.release(name, null, connection, pcf);
      executor.shutdownNow();
      throw new WebRtcException(name + ": could not create the peer connection: " + t, t);
    }
    this.factory = pcf;
    this.pc = connection;
    this.channel = new DataChannelMessageChannel(dc, this, config);
    this.restarts = new IceRestarts(this, connection, config.gatheringTimeout());
    dc.registerObserver(channel);
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
    pathWatcher = watcher;
  }

  /** The connection state as last reported by libwebrtc. */
  RTCPeerConnectionState connectionState() {
    return connectionState;
  }

  /** An ICE restart offer and the number to give back with its answer. */
  record RestartOffer(SessionDescription offer, long generation) {}

  /** Offerer: a new offer that restarts ICE on this connection, once gathered; see {@link IceRestarts}. */
  CompletableFuture<RestartOffer> restartOffer() {
    if (!offerer) {
      throw new IllegalStateException(name + ": restartOffer on the answering side (expected: the offerer)");
    }
    CompletableFuture<RestartOffer> result = new CompletableFuture<>();
    if (!onSession(() -> {
      CompletableFuture<SessionDescription> offer = new CompletableFuture<>();
      long generation = restarts.generation() + 1;
      restarts.offer(offer);
      offer.whenComplete((description, error) -> {
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(new RestartOffer(description, generation));
        }
      });
    })) {
      result.completeExceptionally(new WebRtcException(name + ": closed: " + closeReason));
    }
    return result;
  }

  /** Offerer: applies the peer's answer to the restart offer of {@code generation}. */
  CompletableFuture<Void> acceptRestartAnswer(SessionDescription answer, long generation) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (!onSession(() -> restarts.answer(answer, generation, result))) {
      result.completeExceptionally(new WebRtcException(name + ": closed: " + closeReason));
    }
    return result;
  }

  /** Answerer: applies the peer's ICE restart offer and returns the answer, once gathered. */
  CompletableFuture<SessionDescription> answerRestart(SessionDescription offer) {
    CompletableFuture<SessionDescription> result = new CompletableFuture<>();
    if (offer.type() != SessionDescription.Type.OFFER) {
      result.completeExceptionally(new InvalidDescriptionException(
          "ICE restart: " + offer.type() + " (expected: OFFER)"));
      return result;
    }
    if (!onSession(() -> restarts.answerOffer(offer, result))) {
      result.completeExceptionally(new WebRtcException(name + ": closed: " + closeReason));
    }
    return result;
  }

  /** Runs {@code task} on the session thread unless the session is gone. */
  boolean onSessionThread(Runnable task) {
    return onSession(task);
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
    PeerSession session = new PeerSession(config, true, identity);
    session.onSession(() -> session.pc.createOffer(new RTCOfferOptions(), session.new Created()));
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
    PeerSession session = new PeerSession(config, false, identity);
    session.patient = patient;
    session.applyRemote(remoteOffer, RTCSdpType.OFFER);
    session.remoteApplied.thenRun(
        () -> session.onSession(() -> session.pc.createAnswer(new RTCAnswerOptions(), session.new Created())));
    return session;
  }

  /** Waits for {@code future} at most {@code timeout}, naming {@code what} in the exception. */
  public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new WebRtcException(what + ": no result within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebRtcException(what + ": interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new WebRtcException(what + ": " + cause, cause);
    }
  }

  /** Session thread (or caller, for answer): applies the remote description; parse errors fail remoteApplied. */
  private void applyRemote(SessionDescription remote, RTCSdpType type) {
    String what = "remote " + remote.type().name().toLowerCase(java.util.Locale.ROOT);
    channel.remoteDescription(remote.sdp());
    onSession(() -> {
      try {
        pc.setRemoteDescription(new RTCSessionDescription(type, remote.sdp()), new SetSessionDescriptionObserver() {
          @Override
          public void onSuccess() {
            try {
              noteCallbackThread();
              onSession(() -> {
                remoteApplied.complete(null);
                schedule(PeerSession.this::connectTimedOut, config.connectTimeout().toNanos());
              });
            } catch (Throwable t) {
              callbackFailed("setRemoteDescription onSuccess", t);
            }
          }

          @Override
          public void onFailure(String error) {
            try {
              noteCallbackThread();
              onSession(() -> remoteApplied.completeExceptionally(
                  new InvalidDescriptionException(what + " rejected by libwebrtc: " + error)));
            } catch (Throwable t) {
              callbackFailed("setRemoteDescription onFailure", t);
            }
          }
        });
      } catch (Throwable t) { // 0.14.0 throws java.lang.Error synchronously for SDP it cannot parse
        remoteApplied.completeExceptionally(
            new InvalidDescriptionException(what + " is malformed: " + t.getMessage(), t));
      }
    });
    try {
      await(remoteApplied, config.connectTimeout(), "applying the " + what);
    } catch (RuntimeException e) {
      String message = e.getMessage();
      close(message == null ? e.toString() : message);
      throw e;
    }
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
    requireBlockingAllowed("acceptAnswer()");
    if (!remoteGiven.compareAndSet(false, true)) {
      throw new IllegalStateException(name + ": an answer was already applied");
    }
    applyRemote(answer, RTCSdpType.ANSWER);
  }

  /** createOffer/createAnswer result: set it as the local description and bound the gathering. */
  private final class Created implements CreateSessionDescriptionObserver {
    @Override
    public void onSuccess(RTCSessionDescription description) {
      try {
        noteCallbackThread();
        onSession(() -> {
          pc.setLocalDescription(description, new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {}

            @Override
            public void onFailure(String error) {
              try {
                closeAsync("setLocalDescription failed: " + error);
              } catch (Throwable t) {
                callbackFailed("setLocalDescription onFailure", t);
              }
            }
          });
          schedule(PeerSession.this::gatheringTimedOut, config.gatheringTimeout().toNanos());
        });
      } catch (Throwable t) {
        callbackFailed("createOffer/createAnswer onSuccess", t);
      }
    }

    @Override
    public void onFailure(String error) {
      try {
        closeAsync((offerer ? "createOffer" : "createAnswer") + " failed: " + error);
      } catch (Throwable t) {
        callbackFailed("createOffer/createAnswer onFailure", t);
      }
    }
  }

  /** Session thread. */
  private void gatheringComplete() {
    if (closing.get()) {
      return;
    }
    if (localDescription.isDone()) {
      restarts.gatheringComplete();
      return;
    }
    RTCSessionDescription d = pc.getLocalDescription();
    if (d == null) {
      return; // COMPLETE before setLocalDescription applied: the timer or a later COMPLETE finishes it
    }
    publishLocal(d);
  }

  /** Session thread. */
  private void gatheringTimedOut() {
    if (closing.get() || localDescription.isDone()) {
      return;
    }
    RTCSessionDescription d = pc.getLocalDescription();
    if (d == null || !d.sdp.contains("a=candidate:")) {
      closeAsync("ICE gathering found no candidate within " + config.gatheringTimeout());
      return;
    }
    LOG.log(Level.INFO, name + ": ICE gathering not complete after " + config.gatheringTimeout()
        + "; using the candidates gathered so far");
    publishLocal(d);
  }

  private void publishLocal(RTCSessionDescription d) {
    SessionDescription.Type type = offerer ? SessionDescription.Type.OFFER : SessionDescription.Type.ANSWER;
    moveTo(SessionState.GATHERING, SessionState.CONNECTING);
    localDescription.complete(new SessionDescription(type, d.sdp));
  }

  /** Session thread. */
  private void connectTimedOut() {
    if (!closing.get() && !open.isDone()) {
      closeAsync("data channel did not open within " + config.connectTimeout());
    }
  }

  /** Signaling thread: the DataChannel reported OPEN. */
  void channelOpened() {
    onSession(() -> {
      if (closing.get()) {
        return;
      }
      moveTo(SessionState.GATHERING, SessionState.CONNECTING);
      moveTo(SessionState.CONNECTING, SessionState.OPEN);
      open.complete(channel);
    });
  }

  private void moveTo(SessionState from, SessionState to) {
    if (state.compareAndSet(from, to)) {
      observers.stateChanged(to);
    }
  }

  @Override
  public SessionDescription localDescription() {
    requireBlockingAllowed("localDescription()");
    return await(localDescription, config.gatheringTimeout().plusSeconds(5), name + ": local description");
  }

  @Override
  public CompletableFuture<SessionDescription> localDescriptionAsync() {
    return localDescription.copy();
  }

  @Override
  public MessageChannel dataChannel(Duration timeout) {
    requireBlockingAllowed("dataChannel()");
    return await(open, timeout, name + ": data channel open");
  }

  @Override
  public CompletableFuture<MessageChannel> dataChannelAsync() {
    return open.copy();
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
    CompletableFuture<PathType> result = new CompletableFuture<>();
    boolean queued = onSession(() -> {
      if (closing.get()) {
        result.completeExceptionally(new WebRtcException(name + ": closed: " + closeReason));
        return;
      }
      pc.getStats(report -> {
        try {
          noteCallbackThread();
          PathType path = SelectedPath.of(report);
          if (path == null) {
            result.completeExceptionally(new WebRtcException(name + ": no candidate pair selected yet"));
          } else {
            result.complete(path);
          }
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    });
    if (!queued) {
      result.completeExceptionally(new WebRtcException(name + ": closed: " + closeReason));
    }
    // libwebrtc may drop a stats request when the connection closes meanwhile: bound the wait, on the session's
    // own thread (orTimeout would start the JDK's delay-scheduler thread, one more per JVM, for this alone).
    // The teardown fails those still pending, as it drops the timers.
    statsRequests.add(result);
    Future<?> timer = schedule(() -> result.completeExceptionally(new WebRtcException(
        name + ": no stats from libwebrtc within " + STATS_TIMEOUT.toMillis() + " ms")), STATS_TIMEOUT.toNanos());
    if (timer == null) {
      result.completeExceptionally(new WebRtcException(name + ": closed: " + closeReason));
    }
    result.whenComplete((path, error) -> {
      statsRequests.remove(result);
      if (timer != null) {
        timer.cancel(false);
      }
    });
    return result;
  }

  @Override
  public AutoCloseable install(SessionPlugin plugin) {
    return observers.install(plugin, this);
  }

  /**
   * Opens the datagram channel (once; later calls get the same), on the session thread; completes when it is open.
   * See {@link DataChannelDatagrams}.
   */
  CompletableFuture<dev.p2ptunnel.bridge.DatagramTransport> openDatagrams() {
    CompletableFuture<dev.p2ptunnel.bridge.DatagramTransport> result = new CompletableFuture<>();
    boolean queued = onSession(() -> {
      if (closing.get()) {
        result.completeExceptionally(new WebRtcException(name + ": closed: " + closeReason));
        return;
      }
      DataChannelDatagrams existing = datagrams;
      if (existing == null) {
        existing = DataChannelDatagrams.create(pc, this);
        datagrams = existing;
      }
      existing.opened().whenComplete((transport, error) -> {
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(transport);
        }
      });
    });
    if (!queued) {
      result.completeExceptionally(new WebRtcException(name + ": closed: " + closeReason));
    }
    return result;
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
    Thread current = Thread.currentThread();
    if (current != sessionThread && current != signalingThread) {
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
    try {
      executor.execute(this::teardown);
    } catch (RejectedExecutionException e) {
      LOG.log(Level.ERROR, name + ": session thread gone before teardown", e);
    }
  }

  /** Session thread, once. */
  private void teardown() {
    String reason = closeReason;
    state.set(SessionState.CLOSED);
    flushBeforeClose();
    channel.shutdown(reason);
    restarts.closed(reason);
    WebRtcException failure = new WebRtcException(name + ": closed: " + reason);
    localDescription.completeExceptionally(failure);
    open.completeExceptionally(failure);
    remoteApplied.completeExceptionally(failure);
    observers.closed(reason);
    DataChannelDatagrams udp = datagrams;
    if (udp != null) {
      udp.shutdown(reason);
      NativeObjects.release(name, udp.channel(), null, null); // before the connection closes, as the data channel
    }
    NativeObjects.release(name, dc, pc, factory);
    // Stop the executor first: a path() that gets its timer in before this is in statsRequests by now, and any later
    // one finds the executor gone and fails itself; the other order could drop a late request's timer unfailed.
    executor.shutdownNow();
    Thread.interrupted(); // shutdownNow interrupts this very thread; the futures' dependents run on it below
    statsRequests.forEach(request -> request.completeExceptionally(failure));
    LOG.log(Level.DEBUG, () -> name + ": closed: " + reason);
    closed.complete(reason);
  }

  /**
   * Session thread, teardown: while the path is up, gives what is still queued (the bridge's goodbye) up to
   * {@link #FLUSH_WAIT} to leave before the connection goes, so that the peer learns the close was deliberate.
   */
  private void flushBeforeClose() {
    if (connectionState != RTCPeerConnectionState.CONNECTED) {
      return;
    }
    long deadline = System.nanoTime() + FLUSH_WAIT.toNanos();
    try {
      while (dc.getBufferedAmount() > 0 && System.nanoTime() - deadline < 0) {
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      LOG.log(Level.DEBUG, () -> name + ": could not wait for the send queue: " + t);
    }
  }

  /**
   * Runs {@code task} on the session thread, unless the session is gone (then returns false); failures close the
   * session.
   */
  private boolean onSession(Runnable task) {
    try {
      executor.execute(() -> {
        try {
          task.run();
        } catch (Throwable t) {
          closeAsync("internal error on the session thread: " + t);
          LOG.log(Level.ERROR, name + ": session task failed", t);
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      return false; // closed: nothing left to do
    }
  }

  /** Runs {@code task} on the session thread after {@code delayNs}, unless the session is gone. */
  @Nullable Future<?> schedule(Runnable task, long delayNs) {
    try {
      return executor.schedule(() -> {
        try {
          task.run();
        } catch (Throwable t) {
          closeAsync("internal error on the session thread: " + t);
          LOG.log(Level.ERROR, name + ": session task failed", t);
        }
      }, delayNs, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  void noteCallbackThread() {
    Thread current = Thread.currentThread();
    if (signalingThread != current) {
      signalingThread = current;
    }
  }

  void callbackFailed(String callback, Throwable t) {
    try {
      LOG.log(Level.ERROR, name + ": " + callback + " failed", t);
      closeAsync(callback + " failed: " + t);
    } catch (Throwable ignored) {
      // nothing may escape into native code
    }
  }

  private void requireBlockingAllowed(String method) {
    Thread current = Thread.currentThread();
    if (current == sessionThread || current == signalingThread) {
      throw new IllegalStateException(name + ": " + method + " would block a session callback thread "
          + current.getName() + " (expected: another thread, or the async variant)");
    }
  }

  String name() {
    return name;
  }

  /** A patient answerer whose channel has not opened yet (a FAILED state then only means: not yet). */
  boolean waitingForPeer() {
    return patient && !open.isDone() && !closing.get();
  }

  @Override
  public String toString() {
    return name + "[" + (offerer ? "offerer" : "answerer") + ", " + state.get() + "]";
  }

  /** Callbacks of the peer connection: signaling thread; each body catches Throwable. */
  private final class ConnectionObserver implements PeerConnectionObserver {
    @Override
    public void onIceCandidate(RTCIceCandidate candidate) {
      // Vanilla ICE: candidates travel inside the complete description, not one by one.
    }

    @Override
    public void onIceGatheringChange(RTCIceGatheringState gathering) {
      try {
        noteCallbackThread();
        if (gathering == RTCIceGatheringState.COMPLETE) {
          onSession(PeerSession.this::gatheringComplete);
        }
      } catch (Throwable t) {
        callbackFailed("onIceGatheringChange", t);
      }
    }

    @Override
    public void onConnectionChange(RTCPeerConnectionState connection) {
      try {
        noteCallbackThread();
        connectionState = connection;
        channel.connectionState(connection);
        Consumer<RTCPeerConnectionState> watcher = pathWatcher;
        if (watcher != null) {
          onSession(() -> watcher.accept(connection));
          if (connection != RTCPeerConnectionState.CLOSED) {
            return; // the tunnel decides: restart ICE, wait, or replace the session
          }
        }
        switch (connection) {
          case FAILED:
            if (waitingForPeer()) {
              LOG.log(Level.DEBUG, () -> name + ": ICE failed while the peer has not applied our answer yet");
            } else {
              closeAsync("connection failed (ICE or DTLS)");
            }
            break;
          case CLOSED:
            closeAsync("peer connection closed");
            break;
          case DISCONNECTED:
            onSession(PeerSession.this::startDisconnectTimer);
            break;
          case CONNECTED:
            onSession(PeerSession.this::stopDisconnectTimer);
            break;
          default:
            break;
        }
      } catch (Throwable t) {
        callbackFailed("onConnectionChange", t);
      }
    }
  }

  /** Session thread. */
  private void startDisconnectTimer() {
    if (disconnectTimer == null && !closing.get()) {
      disconnectTimer = schedule(() -> {
        if (pc.getConnectionState() == RTCPeerConnectionState.DISCONNECTED) {
          closeAsync("peer unreachable: connection disconnected for " + config.disconnectTimeout());
        }
      }, config.disconnectTimeout().toNanos());
    }
  }

  /** Session thread. */
  private void stopDisconnectTimer() {
    Future<?> timer = disconnectTimer;
    if (timer != null) {
      timer.cancel(false);
      disconnectTimer = null;
    }
  }
}

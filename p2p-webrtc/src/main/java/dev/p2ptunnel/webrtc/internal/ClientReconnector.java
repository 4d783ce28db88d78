package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.ClientOptions;
import dev.p2ptunnel.webrtc.HostIdentityChangedException;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The client's way back to the host (docs/SIGNALING.md, "Reconnecting"), on a thread of its own
 * ({@code p2p-tunnel-reconnect}) that owns all its state; the tunnel's threads only hand it events.
 *
 * <ul>
 *   <li>When the path fails (the connection DISCONNECTED or FAILED, or the bridge's keepalive silent) and the
 *       signaling carries ICE restarts: restart ICE on the existing connection now and every
 *       {@link WebRtcConfig.Reconnect#iceRestartInterval()} until it is CONNECTED again (libwebrtc does not recover by
 *       itself after FAILED, and sends no second FAILED after a restart). Also when the network interfaces change.
 *   <li>When the session cannot be saved (it closed, or the signaling carries no restart): rejoin with a new session
 *       through the same signaling, the old one kept until the new one carries (it may recover meanwhile: then the
 *       rejoin is called off). Unattended signaling retries with exponential backoff and jitter; offline tokens make
 *       one attempt, for the person to carry.
 *   <li>The bridge keeps every socket meanwhile and resumes them over whatever channel comes back; its grace period
 *       ends the tunnel if nothing does.
 * </ul>
 */
final class ClientReconnector implements TunnelCore.Keeper {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.reconnect");
  /** An ICE restart whose answer has not come back within this is given up (the next one follows). */
  static final Duration RESTART_TIMEOUT = Duration.ofSeconds(15);

  private final TunnelCore core;
  private final ClientOptions options;
  private final WebRtcConfig.Reconnect config;
  private final ScheduledThreadPoolExecutor thread;
  private final NetworkWatcher network = new NetworkWatcher();

  // ---- reconnect thread only ----
  private @Nullable WebRtcSession session;
  private @Nullable ClientJoin join;
  private @Nullable String hostFingerprint;
  private RTCPeerConnectionState path = RTCPeerConnectionState.CONNECTED;
  private boolean bridgeLost;
  private boolean sessionGone;
  private boolean closed;
  private boolean told;
  private @Nullable ScheduledFuture<?> restartTimer;
  private boolean restartInFlight;
  /** The signaling said the current join takes no more ICE restarts (it ended there): rejoin instead. */
  private boolean restartsRefused;
  private @Nullable RejoinAttempt rejoin;
  private int failures;

  ClientReconnector(TunnelCore core, ClientOptions options) {
    this.core = core;
    this.options = options;
    this.config = options.webRtc().reconnect();
    this.thread = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread t = new Thread(runnable, "p2p-tunnel-reconnect");
      t.setDaemon(true);
      return t;
    });
    thread.setRemoveOnCancelPolicy(true);
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    long poll = config.networkPollInterval().toNanos();
    thread.scheduleWithFixedDelay(() -> guarded(this::pollNetwork), poll, poll, TimeUnit.NANOSECONDS);
  }

  /** The first join went through: what ICE restarts need. */
  void joined(ClientFlow.Joined joined) {
    onLoop(() -> {
      join = joined.join();
      hostFingerprint = joined.hostFingerprint();
    });
  }

  // ------------------------------------------------------------------------------------------------ events

  @Override
  public void carrying(TunnelCore.Connected connected) {
    onLoop(() -> {
      session = connected.session();
      path = RTCPeerConnectionState.CONNECTED;
      sessionGone = false;
      stopRestarts();
    });
  }

  @Override
  public void pathChanged(WebRtcSession from, RTCPeerConnectionState state) {
    onLoop(() -> {
      if (from != session) {
        return;
      }
      path = state;
      if (state == RTCPeerConnectionState.CONNECTED) {
        stopRestarts();
        if (!bridgeLost) {
          callOffRejoin("the old connection recovered");
          core.pathBack(); // the bridge never counted it lost: it will not say it is back
          if (told) {
            told = false;
            dev.p2ptunnel.bridge.BridgeStats stats = core.stats();
            int open = stats == null ? 0 : stats.openSockets();
            notify(() -> options.listener().onConnectionRestored(open, 0));
          }
        }
      } else if (state == RTCPeerConnectionState.DISCONNECTED || state == RTCPeerConnectionState.FAILED) {
        trouble("the path to the host is " + state.name().toLowerCase(java.util.Locale.ROOT));
      }
    });
  }

  @Override
  public void sessionEnded(WebRtcSession ended, String reason) {
    onLoop(() -> {
      if (ended != session) {
        return;
      }
      sessionGone = true;
      stopRestarts();
      trouble("the session ended: " + reason);
    });
  }

  @Override
  public void lost(String reason) {
    onLoop(() -> {
      bridgeLost = true;
      trouble(reason);
    });
  }

  @Override
  public void restored(int resumed, int closed) {
    onLoop(() -> {
      bridgeLost = false;
      failures = 0;
      if (path == RTCPeerConnectionState.CONNECTED) {
        stopRestarts();
        callOffRejoin("the host is back");
      }
      if (told) {
        told = false;
        notify(() -> options.listener().onConnectionRestored(resumed, closed));
      }
    });
  }

  @Override
  public void closed(String reason) {
    onLoop(() -> {
      closed = true;
      stopRestarts();
      callOffRejoin("the tunnel closed: " + reason);
      thread.shutdown();
    });
  }

  private void pollNetwork() {
    if (!network.changed() || closed) {
      return;
    }
    ClientJoin current = join;
    LOG.log(Level.INFO, "the network changed (now " + network.describe() + ")");
    if (restarts(current)) {
      restartNow(); // a new interface is used only after an ICE restart
    }
  }

  // ------------------------------------------------------------------------------------------------ decisions

  /** Something failed: restart ICE where the signaling can carry it, else rejoin. */
  private void trouble(String reason) {
    if (closed) {
      return;
    }
    ClientJoin current = join;
    boolean unattended = options.signaling().unattended();
    // Said (and RECONNECTING) only once the tunnel surely does not carry: the bridge's keepalive, which allows for
    // SCTP still delivering, or the session gone or FAILED. A DISCONNECTED path alone is worked on quietly: at heavy
    // loss libwebrtc flaps to DISCONNECTED and back while SCTP still carries (docs/PERFORMANCE.md, "Hard loss").
    if (!told && (bridgeLost || sessionGone || path == RTCPeerConnectionState.FAILED)) {
      told = true;
      core.pathLost();
      boolean needsPerson = !unattended && !restarts(current);
      notify(() -> options.listener().onConnectionLost(reason, needsPerson));
    }
    if (restarts(current)) {
      startRestarts();
      return;
    }
    if (unattended || bridgeLost || sessionGone || path == RTCPeerConnectionState.FAILED) {
      startRejoin(reason); // offline: only once the session is surely gone, never for a short blip
    }
  }

  /** Whether the path comes back by ICE restarts of {@code current} (else by a rejoin). */
  private boolean restarts(@Nullable ClientJoin current) {
    return current != null && current.restartable() && !sessionGone && !restartsRefused;
  }

  private void startRestarts() {
    if (restartTimer == null) {
      restartNow();
      long interval = config.iceRestartInterval().toNanos();
      restartTimer = thread.scheduleWithFixedDelay(() -> guarded(this::restartNow), interval, interval,
          TimeUnit.NANOSECONDS);
    }
  }

  private void stopRestarts() {
    ScheduledFuture<?> timer = restartTimer;
    if (timer != null) {
      timer.cancel(false);
      restartTimer = null;
    }
  }

  /** One ICE restart: a new offer on the existing connection, through the signaling, and the host's answer. */
  private void restartNow() {
    WebRtcSession current = session;
    ClientJoin exchange = join;
    if (restartInFlight || closed || current == null || exchange == null || sessionGone) {
      return;
    }
    restartInFlight = true;
    PeerSession peer = PeerSession.of(current);
    peer.restartOffer()
        .thenCompose(offer -> exchange.restartIce(offer.offer())
            .orTimeout(RESTART_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .thenCompose(answer -> peer.acceptRestartAnswer(checked(answer), offer.generation())))
        .whenComplete((ok, error) -> onLoop(() -> {
          restartInFlight = false;
          Throwable cause = error == null ? null : HostRuntime.unwrap(error);
          if (cause instanceof JoinRejectedException && exchange == join && !closed) {
            // the join ended on the signaling (the host left it, or restarted): only a rejoin can bring it back
            restartsRefused = true;
            stopRestarts();
            LOG.log(Level.INFO, "ICE restart refused (" + HostRuntime.message(cause) + "); rejoining");
            startRejoin(HostRuntime.message(cause));
          } else if (cause != null) {
            LOG.log(Level.DEBUG, () -> "ICE restart did not go through: " + HostRuntime.message(cause));
          } else {
            LOG.log(Level.DEBUG, "ICE restarted; waiting for the new path");
          }
        }));
  }

  private static SessionDescription checked(SessionDescription answer) {
    if (answer.type() != SessionDescription.Type.ANSWER) {
      throw new IllegalArgumentException("ICE restart: " + answer.type() + " (expected: ANSWER)");
    }
    return answer;
  }

  // ------------------------------------------------------------------------------------------------ rejoin

  private void startRejoin(String reason) {
    if (rejoin != null || closed) {
      return;
    }
    RejoinAttempt attempt = new RejoinAttempt();
    rejoin = attempt;
    Duration delay = failures == 0 ? Duration.ZERO : RejoinAttempt.backoff(config, failures);
    LOG.log(Level.INFO, "rejoining the host (" + reason + ")" + (delay.isZero() ? "" : " in " + delay.toMillis()
        + " ms"));
    thread.schedule(() -> guarded(() -> launch(attempt)), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void launch(RejoinAttempt attempt) {
    if (attempt.calledOff() || closed) {
      rejoinEnded(attempt);
      return;
    }
    attempt.start(core, options, hostFingerprint, joined -> onLoop(() -> joinedAgain(attempt, joined)),
        e -> onLoop(() -> rejoinFailed(attempt, e)));
  }

  private void joinedAgain(RejoinAttempt attempt, ClientFlow.Joined joined) {
    rejoinEnded(attempt);
    if (attempt.calledOff() || closed) {
      joined.connected().session().close("the rejoin was called off");
      return;
    }
    try {
      core.replace(joined.connected());
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "the rejoined session could not carry the tunnel: {0}", e.toString());
      return;
    }
    join = joined.join();
    hostFingerprint = joined.hostFingerprint();
    restartsRefused = false;
    failures = 0;
    LOG.log(Level.INFO, "rejoined the host; the connections resume over the new session");
  }

  private void rejoinFailed(RejoinAttempt attempt, Throwable error) {
    rejoinEnded(attempt);
    Throwable cause = HostRuntime.unwrap(error);
    String why = HostRuntime.message(cause);
    if (attempt.calledOff() || closed) {
      return;
    }
    if (cause instanceof HostIdentityChangedException) {
      core.closeAsync(why); // loud and final: never reconnect to another identity
      return;
    }
    if (cause instanceof JoinRejectedException && !why.contains("busy")) {
      core.closeAsync("the host refused to take this client back: " + why);
      return;
    }
    failures++;
    boolean unattended = options.signaling().unattended();
    Duration next = unattended ? RejoinAttempt.backoff(config, failures) : Duration.ZERO;
    LOG.log(Level.INFO, "rejoin attempt failed: " + why);
    notify(() -> options.listener().onRejoinFailed(why, next));
    if (unattended && (bridgeLost || sessionGone || path != RTCPeerConnectionState.CONNECTED)) {
      startRejoin(why);
    }
  }

  private void rejoinEnded(RejoinAttempt attempt) {
    if (rejoin == attempt) {
      rejoin = null;
    }
  }

  /** The old session recovered, or the tunnel ends: an attempt under way stops and its session goes. */
  private void callOffRejoin(String why) {
    RejoinAttempt attempt = rejoin;
    if (attempt == null) {
      return;
    }
    rejoin = null;
    attempt.callOff(why, core);
  }

  // ------------------------------------------------------------------------------------------------ threads

  private void onLoop(Runnable task) {
    try {
      thread.execute(() -> guarded(task));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: nothing left to do
    }
  }

  private static void guarded(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      LOG.log(Level.ERROR, "reconnect task failed", e);
    }
  }

  private static void notify(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "client listener threw; ignored", e);
    }
  }
}

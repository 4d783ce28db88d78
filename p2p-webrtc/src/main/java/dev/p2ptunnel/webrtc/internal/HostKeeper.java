package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.p2ptunnel.webrtc.HostListener;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.TunnelHandle;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What the host does about one client's trouble: the client is the one that restarts ICE or rejoins, so the host
 * answers restarts on the client's current session (when the signaling carries them), frees the client's place on
 * the signaling as soon as the session is in trouble there (so that a rejoin is let in), tells its listener, and
 * waits: the client's bridge keeps every connection for the grace period, and a rejoin of the same identity is handed
 * to it ({@link HostRuntime}). Thread-safe: events come from the tunnel's threads; state is kept per join.
 */
final class HostKeeper implements TunnelCore.Keeper {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.host");
  /** Between two attempts at the leave notice. */
  private static final Duration LEAVE_RETRY = Duration.ofSeconds(2);
  /** Attempts at the leave notice (each may take the transport's own timeout): beyond the default grace period. */
  private static final int MAX_LEAVE_ATTEMPTS = 60;

  private final HostClient client;
  private final HostListener listener;
  /** Runs a listener call on the host's callback executor. */
  private final java.util.function.Consumer<Runnable> notifier;
  /** The join whose place on the signaling was freed (only once per join). */
  private volatile @Nullable HostJoin leftFor;
  /** The join the signaling was told has ended (only once per join). */
  private volatile @Nullable HostJoin endedFor;
  private volatile boolean reconnecting;
  /** A rejoin replaces the channel: the bridge's "lost" that follows is no news to the listener. */
  private volatile boolean rejoining;

  HostKeeper(HostClient client, HostListener listener, java.util.function.Consumer<Runnable> notifier) {
    this.client = client;
    this.listener = listener;
    this.notifier = notifier;
  }

  @Override
  public void carrying(TunnelCore.Connected connected) {
    JoinRequest request = client.join.request;
    WebRtcSession session = connected.session();
    if (request.restartable() && session instanceof PeerSession peer) {
      request.onRestart(offer -> peer.answerRestart(offer));
    }
  }

  @Override
  public void pathChanged(WebRtcSession session, RTCPeerConnectionState state) {
    if (state == RTCPeerConnectionState.DISCONNECTED || state == RTCPeerConnectionState.FAILED) {
      // The place is freed even where the signaling carries ICE restarts: it still takes this join's restarts (the
      // HTTP server does so for a left join), and a killed client's place must not wait for the grace period.
      free(client.join, "the connection to the client is interrupted");
      LOG.log(Level.DEBUG, () -> client + ": path " + state);
    }
  }

  @Override
  public void sessionEnded(WebRtcSession session, String reason) {
    free(client.join, reason);
    reconnecting(reason);
  }

  @Override
  public void lost(String reason) {
    if (rejoining && !reconnecting) {
      // The rejoin's new channel replaced one the host never saw fail: the join line said it, and "is back" follows.
      reconnecting = true;
      return;
    }
    reconnecting(reason);
  }

  /** A rejoin of the client is about to replace its channel (before the bridge hears of it). */
  void rejoining() {
    rejoining = true;
  }

  @Override
  public void restored(int resumed, int closed) {
    rejoining = false;
    if (reconnecting) {
      reconnecting = false;
      notifier.accept(() -> listener.onClientReconnected(client));
    }
  }

  @Override
  public void closed(String reason) {
    // HostRuntime hears of it through the core and tells everyone. The signaling hears it here: the join takes no
    // more ICE restarts, so that a client still trying them rejoins at once (once per join).
    HostJoin join = client.join;
    if (endedFor != join) {
      endedFor = join;
      // A join ends after its place was freed (a server ends only a left join): the leave goes first if it has not.
      CompletableFuture<Void> left = CompletableFuture.completedFuture(null);
      if (leftFor != join) {
        leftFor = join;
        left = join.request.left(reason);
      }
      left.handle((ok, error) -> null)
          .thenCompose(ignored -> join.request.ended("the host no longer keeps this client: " + reason))
          .whenComplete((ok, error) -> {
            if (error != null) {
              LOG.log(Level.DEBUG, () -> client + ": the signaling did not take the end of the join: " + error);
            }
          });
    }
  }

  private void reconnecting(String reason) {
    if (!reconnecting && client.core.state() != TunnelHandle.State.CLOSED) {
      reconnecting = true;
      notifier.accept(() -> listener.onClientReconnecting(client, reason));
    }
  }

  /**
   * The client's place on the signaling is free for its rejoin; its connections stay here. The notice is sent again
   * until the signaling took it: the path to the signaling server may be down too (an outage of the host's network),
   * and a place never freed would refuse the rejoin as busy.
   */
  private void free(HostJoin join, String reason) {
    if (leftFor != join) {
      leftFor = join;
      sendLeave(join, reason, 1);
    }
  }

  private void sendLeave(HostJoin join, String reason, int attempt) {
    join.request.left(reason).whenComplete((ok, error) -> {
      if (error == null) {
        return;
      }
      boolean current = client.join == join && client.core.state() != TunnelHandle.State.CLOSED;
      if (current && attempt < MAX_LEAVE_ATTEMPTS) {
        LOG.log(Level.DEBUG, () -> client + ": leave notice not delivered (" + error + "), again in "
            + LEAVE_RETRY.toSeconds() + " s");
        CompletableFuture.delayedExecutor(LEAVE_RETRY.toMillis(), TimeUnit.MILLISECONDS)
            .execute(() -> sendLeave(join, reason, attempt + 1));
      } else if (current) {
        LOG.log(Level.WARNING, () -> client + ": the signaling did not take the leave notice after " + attempt
            + " attempts: " + error);
      }
    });
  }

  /** Whether the join's place on the signaling was already freed. */
  boolean freed(HostJoin join) {
    return leftFor == join;
  }
}

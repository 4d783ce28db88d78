package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.RTCPeerConnection;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * {@link PeerSession#path()}: asks libwebrtc's statistics which candidate pair carries the session, each request
 * bounded by {@link #STATS_TIMEOUT} (libwebrtc may drop a request when the connection closes meanwhile), and fails
 * the requests still pending when the session closes. Thread-safe: requests come from any thread; the stats call
 * and the timers run on the session thread, the stats reply on the signaling thread.
 */
final class PathRequests {
  private static final Duration STATS_TIMEOUT = Duration.ofSeconds(5);

  private final PeerSession session;
  private final SessionThread thread;
  private final RTCPeerConnection pc;
  /** Requests not answered yet. */
  private final Set<CompletableFuture<PathType>> pending = ConcurrentHashMap.newKeySet();

  PathRequests(PeerSession session, SessionThread thread, RTCPeerConnection pc) {
    this.session = session;
    this.thread = thread;
    this.pc = pc;
  }

  /** See {@link PeerSession#path()}. */
  CompletableFuture<PathType> request() {
    CompletableFuture<PathType> result = new CompletableFuture<>();
    boolean queued = thread.execute(() -> {
      if (session.closing()) {
        result.completeExceptionally(session.closedFailure());
        return;
      }
      pc.getStats(report -> {
        try {
          thread.noteCallbackThread();
          PathType path = SelectedPath.of(report);
          if (path == null) {
            result.completeExceptionally(new WebRtcException(session.name() + ": no candidate pair selected yet"));
          } else {
            result.complete(path);
          }
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    });
    if (!queued) {
      result.completeExceptionally(session.closedFailure());
    }
    // Bound the wait on the session's own thread (orTimeout would start the JDK's delay-scheduler thread, one more
    // per JVM, for this alone). The teardown fails those still pending, as it drops the timers.
    pending.add(result);
    Future<?> timer = thread.schedule(() -> result.completeExceptionally(new WebRtcException(
        session.name() + ": no stats from libwebrtc within " + STATS_TIMEOUT.toMillis() + " ms")),
        STATS_TIMEOUT.toNanos());
    if (timer == null) {
      result.completeExceptionally(session.closedFailure());
    }
    result.whenComplete((path, error) -> {
      pending.remove(result);
      if (timer != null) {
        timer.cancel(false);
      }
    });
    return result;
  }

  /**
   * Session thread, teardown, after the session thread stopped: a request that got its timer in before is pending
   * by now, and any later one found the thread gone and failed itself; the other order could drop a late request's
   * timer unfailed.
   */
  void closed(WebRtcException failure) {
    pending.forEach(request -> request.completeExceptionally(failure));
  }
}

package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.signaling.api.ErrorCode;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The host's view of a signaling server it cannot reach: since when, and how long to wait before the next try
 * (from 1 s doubling up to a cap, each pause drawn uniformly from the upper half of its ceiling: "equal jitter", so
 * that hosts that lost the same server do not come back in step, and none retries in a tight loop). It logs and tells
 * the {@link SignalingStatusListener} once when an outage begins and once when it ends. Owned by the host
 * signaling's loop thread; {@link #since()} may be read from any thread.
 */
final class Outage {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.signaling");
  static final Duration FIRST_CEILING = Duration.ofSeconds(1);
  /** The default cap of the pause between two tries. */
  static final Duration DEFAULT_CAP = Duration.ofSeconds(30);

  private final Duration cap;
  private final DoubleSupplier random;
  private final LongSupplier nanoTime;
  private final SignalingStatusListener listener;
  private final String server;
  private int failures;
  private long sinceNs;
  private volatile @Nullable Instant since;

  Outage(Duration cap, DoubleSupplier random, LongSupplier nanoTime) {
    this(cap, random, nanoTime, new SignalingStatusListener() {}, "the signaling server");
  }

  /** @param server names the server and session in log lines */
  Outage(Duration cap, DoubleSupplier random, LongSupplier nanoTime, SignalingStatusListener listener,
      String server) {
    this.cap = cap;
    this.random = random;
    this.nanoTime = nanoTime;
    this.listener = listener;
    this.server = server;
  }

  /** Since when the server is unreachable, or null while it is not. Any thread. */
  @Nullable Instant since() {
    return since;
  }

  /** One more try failed because of {@code cause}; the first of an outage is logged and told. */
  Duration failed(Throwable cause) {
    boolean first = failures == 0;
    Duration pause = ServerCalls.pauseAfter(cause, failed(), cap);
    if (first) {
      since = Instant.now();
      String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      LOG.log(Level.WARNING, "signaling server {0} unreachable ({1}); the session and its clients stay, trying "
          + "again every {2} s at most", server, reason, cap.toSeconds());
      tell(() -> listener.onUnreachable(reason));
    }
    return pause;
  }

  /** A try succeeded ({@code renewed}: after creating the session again): the end of an outage is logged and told. */
  void ended(boolean renewed) {
    Duration length = ended();
    if (length != null || renewed) {
      since = null;
      Duration shown = length == null ? Duration.ZERO : length;
      LOG.log(Level.WARNING, "signaling server {0} reachable again after {1}{2}", server, describe(shown),
          renewed ? "; the session was created again there" : "");
      tell(() -> listener.onReachable(shown, renewed));
    }
  }

  private static void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "signaling status listener threw; ignored", e);
    }
  }

  /** Whether the server lost the session: it restarted without its state (404), or expired or evicted it (410). */
  static boolean lost(Throwable cause) {
    return cause instanceof ServerCalls.Refused refused
        && (refused.code.equals(ErrorCode.SESSION_NOT_FOUND.wire())
            || refused.code.equals(ErrorCode.SESSION_EXPIRED.wire())
            || refused.code.equals(ErrorCode.SESSION_EVICTED.wire()));
  }

  /** Whether the server is unreachable now (a try failed and none succeeded since). */
  boolean active() {
    return failures > 0;
  }

  /**
   * One more try failed.
   *
   * @return the pause before the next try
   */
  Duration failed() {
    if (failures == 0) {
      sinceNs = nanoTime.getAsLong();
    }
    failures++;
    return pause(failures);
  }

  /** The pause after {@code failures} failed tries in a row: uniform in [ceiling/2, ceiling]. */
  Duration pause(int failed) {
    long ceilingNs = FIRST_CEILING.toNanos() << Math.min(failed - 1, 30);
    ceilingNs = Math.min(cap.toNanos(), ceilingNs);
    double fraction = random.getAsDouble();
    if (!(fraction >= 0 && fraction <= 1)) {
      fraction = 1;
    }
    return Duration.ofNanos(ceilingNs / 2 + (long) (ceilingNs / 2 * fraction));
  }

  /**
   * A try succeeded.
   *
   * @return how long the server was unreachable, or null if it was not
   */
  @Nullable Duration ended() {
    if (failures == 0) {
      return null;
    }
    failures = 0;
    return Duration.ofNanos(nanoTime.getAsLong() - sinceNs);
  }

  /** How long the server has been unreachable (zero when it is not). */
  Duration length() {
    return failures == 0 ? Duration.ZERO : Duration.ofNanos(nanoTime.getAsLong() - sinceNs);
  }

  /** "45 s", "2 min", "3 h 5 min": an outage's length for people. */
  static String describe(Duration length) {
    long s = length.toSeconds();
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return (s / 60) + " min";
    }
    return (s / 3600) + " h " + (s % 3600 / 60) + " min";
  }
}

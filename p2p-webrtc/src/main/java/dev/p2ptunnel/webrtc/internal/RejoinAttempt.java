package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.webrtc.ClientOptions;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of a {@link ClientReconnector} to rejoin the host with a new session: the join on a worker thread of
 * its own ({@code p2p-tunnel-rejoin}, since it blocks on the signaling and ICE), the session it creates, and calling
 * it off when the old session recovers or the tunnel ends; also the backoff between attempts. Started and called off
 * on the reconnect thread; the worker only records the session it created and hands the outcome back, so the two
 * fields the threads share are volatile.
 */
final class RejoinAttempt {
  private volatile boolean calledOff;
  private volatile @Nullable WebRtcSession candidate;

  /**
   * The wait before attempt {@code failed} + 1: doubling from the minimum, capped, 50–100 % of it at random.
   */
  static Duration backoff(WebRtcConfig.Reconnect config, int failed) {
    long min = config.rejoinBackoffMin().toMillis();
    long max = config.rejoinBackoffMax().toMillis();
    long wait = min << Math.min(failed - 1, 20);
    wait = Math.min(max, wait);
    return Duration.ofMillis(wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1));
  }

  /** Whether the attempt was called off: its outcome is then dropped. */
  boolean calledOff() {
    return calledOff;
  }

  /**
   * Joins on a new worker thread, requiring the host's identity to be {@code sameHost} (null: any); the session it
   * creates is tracked by {@code core}. Exactly one of {@code joined} and {@code failed} runs, on the worker thread
   * (they hand over to the reconnect thread); on a failure the session created, if any, is closed first.
   */
  void start(TunnelCore core, ClientOptions options, @Nullable String sameHost,
      Consumer<ClientFlow.Joined> joined, Consumer<Throwable> failed) {
    Thread worker = new Thread(() -> {
      ClientFlow.Joined result;
      try {
        result = ClientFlow.connect(core, options, sameHost, created -> {
          candidate = created;
          core.track(created);
          if (calledOff) {
            created.close("the rejoin was called off");
          }
        });
      } catch (Throwable e) {
        WebRtcSession created = candidate;
        if (created != null) {
          created.close("rejoin failed");
        }
        failed.accept(e);
        return;
      }
      joined.accept(result);
    }, "p2p-tunnel-rejoin");
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * Calls the attempt off: {@code core}'s wait for a connection is cancelled, the session the attempt created, if
   * any, is closed, and a late outcome is dropped.
   */
  void callOff(String why, TunnelCore core) {
    calledOff = true;
    core.cancelWait();
    WebRtcSession created = candidate;
    if (created != null) {
      created.close("the rejoin was called off: " + why);
    }
  }
}

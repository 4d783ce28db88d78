package dev.p2ptunnel.rendezvous.internal;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Recognises messages seen before (the same message through several brokers, or a replay) by their random message
 * id, and refuses messages whose sending time is outside a window around this clock. Consulted only after a message
 * authenticated, so forged ids cannot fill it. Ids are remembered twice the window after arrival: by then a replay's
 * sending time is outside the window. Not thread-safe: the owning loop thread uses it.
 */
public final class ReplayGuard {
  /** Messages sent longer ago than this, or this far in the future, are refused. */
  public static final Duration WINDOW = Duration.ofMinutes(10);
  static final int MAX_REMEMBERED = 20_000;

  private final Duration window;
  private final LinkedHashMap<String, Long> seenAtNs = new LinkedHashMap<>();

  public ReplayGuard() {
    this(WINDOW);
  }

  ReplayGuard(Duration window) {
    this.window = window;
  }

  /**
   * Null if the message is new (it is remembered from now on), else why it is refused.
   *
   * @param checkTime whether the sending time must be within the window of {@code nowMs}
   */
  public @Nullable String check(byte[] messageId, long sentAtMs, long nowMs, long nowNs, boolean checkTime) {
    forget(nowNs);
    if (checkTime) {
      long ageMs = nowMs - sentAtMs;
      if (ageMs > window.toMillis()) {
        return "sent " + describe(ageMs) + " ago by the sender's clock (limit: " + window.toMinutes() + " min; a "
            + "replay, or a clock that is wrong)";
      }
      if (-ageMs > window.toMillis()) {
        return "sent " + describe(-ageMs) + " in the future by the sender's clock (limit: " + window.toMinutes()
            + " min; a clock that is wrong)";
      }
    }
    String id = HexFormat.of().formatHex(messageId);
    Long seen = seenAtNs.get(id);
    if (seen != null) {
      return "message " + id.substring(0, 8) + "… was received " + describe((nowNs - seen) / 1_000_000)
          + " ago already (a copy from another broker, or a replay)";
    }
    if (seenAtNs.size() >= MAX_REMEMBERED) {
      Iterator<Long> oldest = seenAtNs.values().iterator();
      oldest.next();
      oldest.remove();
    }
    seenAtNs.put(id, nowNs);
    return null;
  }

  /** How many ids are remembered. */
  public int size() {
    return seenAtNs.size();
  }

  private void forget(long nowNs) {
    long keepNs = 2 * window.toNanos();
    Iterator<Map.Entry<String, Long>> it = seenAtNs.entrySet().iterator();
    while (it.hasNext() && nowNs - it.next().getValue() > keepNs) {
      it.remove();
    }
  }

  /** {@code 850 ms}, {@code 12 s}, {@code 3 min 5 s}, {@code 2 h 1 min}. */
  public static String describe(long ms) {
    if (ms < 1_000) {
      return ms + " ms";
    }
    long s = ms / 1_000;
    if (s < 60) {
      return s + " s";
    }
    if (s < 3_600) {
      return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
    }
    return s / 3_600 + " h" + (s % 3_600 / 60 == 0 ? "" : " " + s % 3_600 / 60 + " min");
  }
}

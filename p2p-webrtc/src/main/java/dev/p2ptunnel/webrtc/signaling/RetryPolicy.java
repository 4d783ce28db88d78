package dev.p2ptunnel.webrtc.signaling;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How the HTTP signaling clients try a call again after a passing failure (the server unreachable, a 5xx, too many
 * polls): up to {@link #attempts()} tries in all, the pause before retry {@code n} (1, 2, …) drawn uniformly from
 * {@code [0, min(cap, base × 2^(n-1))]} ("exponential backoff with full jitter": clients that lost the same server
 * at the same moment do not come back in step). Refusals (4xx other than too many polls) are never retried. Only
 * idempotent calls are retried: the long polls for events and for the host's decision; a join request, a reveal or
 * a decision is sent once. Immutable and thread-safe.
 */
public final class RetryPolicy {
  private static final RetryPolicy DEFAULTS = builder().build();

  private final int attempts;
  private final Duration base;
  private final Duration cap;
  private final DoubleSupplier random;

  private RetryPolicy(Builder builder) {
    this.attempts = builder.attempts;
    this.base = builder.base;
    this.cap = builder.cap;
    this.random = builder.random;
  }

  /** 5 attempts, base 500 ms, cap 8 s: at most 7.5 s of pauses before a call fails for good. */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** A builder starting from {@link #defaults()}'s values. */
  public static Builder builder() {
    return new Builder();
  }

  /** Tries in all, the first included; 1 means never retry. */
  public int attempts() {
    return attempts;
  }

  /** The ceiling of the first pause; each further ceiling doubles, up to {@link #cap()}. */
  public Duration base() {
    return base;
  }

  /** The largest pause. */
  public Duration cap() {
    return cap;
  }

  /** The ceiling of the pause before retry {@code retry} (1 for the first retry): {@code min(cap, base × 2^(retry-1))}. */
  public Duration ceiling(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry: " + retry + " (expected: >= 1)");
    }
    long baseNs = base.toNanos();
    long capNs = cap.toNanos();
    int shift = Math.min(retry - 1, 62);
    long ceilingNs = baseNs > (capNs >> shift) ? capNs : Math.min(capNs, baseNs << shift);
    return Duration.ofNanos(ceilingNs);
  }

  /** The pause before retry {@code retry}: uniform in {@code [0, ceiling(retry)]}. */
  public Duration delay(int retry) {
    double fraction = random.getAsDouble();
    if (!(fraction >= 0 && fraction <= 1)) {
      fraction = 1;
    }
    return Duration.ofNanos((long) (ceiling(retry).toNanos() * fraction));
  }

  @Override
  public String toString() {
    return "RetryPolicy[attempts=" + attempts + ", base=" + base + ", cap=" + cap + "]";
  }

  /** Builds a {@link RetryPolicy}. Not thread-safe. */
  public static final class Builder {
    private int attempts = 5;
    private Duration base = Duration.ofMillis(500);
    private Duration cap = Duration.ofSeconds(8);
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    private Builder() {}

    /** Tries in all, the first included (1–100); default 5. */
    public Builder attempts(int value) {
      if (value < 1 || value > 100) {
        throw new IllegalArgumentException("attempts: " + value + " (expected: 1..100)");
      }
      attempts = value;
      return this;
    }

    /** The ceiling of the first pause (> 0); default 500 ms. */
    public Builder base(Duration value) {
      Objects.requireNonNull(value, "base");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("base: " + value + " (expected: > 0)");
      }
      base = value;
      return this;
    }

    /** The largest pause (>= base when built); default 8 s. */
    public Builder cap(Duration value) {
      Objects.requireNonNull(value, "cap");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("cap: " + value + " (expected: > 0)");
      }
      cap = value;
      return this;
    }

    /** Tests: where the jitter's fraction in [0, 1] comes from. */
    Builder random(DoubleSupplier value) {
      random = Objects.requireNonNull(value, "random");
      return this;
    }

    /** The policy; fails if the cap is below the base. */
    public RetryPolicy build() {
      if (cap.compareTo(base) < 0) {
        throw new IllegalStateException("cap: " + cap + " (expected: >= base " + base + ")");
      }
      return new RetryPolicy(this);
    }
  }
}

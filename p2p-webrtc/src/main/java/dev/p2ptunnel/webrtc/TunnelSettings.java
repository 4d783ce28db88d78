package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The six settings both tunnel ends have, {@link HostOptions} and {@link ClientOptions} alike, in one place: their
 * defaults, their checks and their copies (and the check of the close bounds both have, whose defaults differ). Each
 * options class holds one and hands its values out under the same names; each builder holds a {@link Builder} and its
 * public methods of the same names delegate to it, so the two public builders keep their own methods and return types
 * (no public base type: see docs/ARCHITECTURE.md). Immutable and thread-safe; the builder is not (one thread, the
 * user's, fills it).
 */
final class TunnelSettings {
  private final WebRtcConfig webRtc;
  private final BridgeConfig bridge;
  private final List<SessionPlugin> plugins;
  private final @Nullable TunnelListener events;
  private final Identity identity;
  private final @Nullable Executor callbackExecutor;

  private TunnelSettings(Builder b) {
    this.webRtc = b.webRtc;
    this.bridge = b.bridge;
    this.plugins = List.copyOf(b.plugins);
    this.events = b.events;
    this.identity = b.identity != null ? b.identity : Identity.generate();
    this.callbackExecutor = b.callbackExecutor;
  }

  WebRtcConfig webRtc() {
    return webRtc;
  }

  BridgeConfig bridge() {
    return bridge;
  }

  List<SessionPlugin> plugins() {
    return plugins;
  }

  @Nullable TunnelListener events() {
    return events;
  }

  Identity identity() {
    return identity;
  }

  @Nullable Executor callbackExecutor() {
    return callbackExecutor;
  }

  /**
   * Checks a close bound ({@code closeTimeout} of either end, the host's {@code clientCloseTimeout}): {@code > 0} and
   * at most {@link HostOptions#MAX_CLOSE_TIMEOUT}.
   */
  static void checkCloseTimeout(String name, Duration value) {
    if (value.isNegative() || value.isZero() || value.compareTo(HostOptions.MAX_CLOSE_TIMEOUT) > 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0 and <= " + HostOptions.MAX_CLOSE_TIMEOUT
          + ")");
    }
  }

  /** A builder holding these settings (the identity included: a copy keeps it). */
  Builder toBuilder() {
    Builder b = new Builder();
    b.webRtc = webRtc;
    b.bridge = bridge;
    b.plugins.addAll(plugins);
    b.events = events;
    b.identity = identity;
    b.callbackExecutor = callbackExecutor;
    return b;
  }

  /**
   * The settings being built; defaults: {@link WebRtcConfig#builder()}, {@link BridgeConfig#defaults()}, no plugins, no
   * event listener, a new identity, the tunnel's own callback thread. Every setter refuses null, naming the setting.
   */
  static final class Builder {
    private WebRtcConfig webRtc = WebRtcConfig.builder().build();
    private BridgeConfig bridge = BridgeConfig.defaults();
    private final List<SessionPlugin> plugins = new ArrayList<>();
    private @Nullable TunnelListener events;
    private @Nullable Identity identity;
    private @Nullable Executor callbackExecutor;

    void webRtc(WebRtcConfig value) {
      webRtc = Objects.requireNonNull(value, "webRtc");
    }

    void bridge(BridgeConfig value) {
      bridge = Objects.requireNonNull(value, "bridge");
    }

    void plugin(SessionPlugin value) {
      plugins.add(Objects.requireNonNull(value, "plugin"));
    }

    void events(TunnelListener value) {
      events = Objects.requireNonNull(value, "events");
    }

    void identity(Identity value) {
      identity = Objects.requireNonNull(value, "identity");
    }

    void callbackExecutor(Executor value) {
      callbackExecutor = Objects.requireNonNull(value, "callbackExecutor");
    }

    /** The settings; a new identity when none was set. */
    TunnelSettings build() {
      return new TunnelSettings(this);
    }
  }
}

package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Tunnel#client} needs. Immutable and thread-safe.
 *
 * @param bind the local address the user's app connects to (default 127.0.0.1; port 0 picks a free port)
 * @param signaling carries our offer out and the host's answer in
 * @param webRtc ICE servers, ports, timeouts
 * @param bridge engine settings
 * @param plugins attached to the session once it exists
 */
public record ClientOptions(
    InetSocketAddress bind, Signaling signaling, WebRtcConfig webRtc, BridgeConfig bridge,
    List<SessionPlugin> plugins) {

  /** Validates and copies. */
  public ClientOptions {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(signaling, "signaling");
    Objects.requireNonNull(webRtc, "webRtc");
    Objects.requireNonNull(bridge, "bridge");
    plugins = List.copyOf(plugins);
  }

  /** A builder listening on 127.0.0.1:{@code port}. */
  public static Builder builder(int port) {
    return new Builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /** A builder listening on {@code bind} (e.g. {@code ::1}, or an explicit interface address). */
  public static Builder builder(InetSocketAddress bind) {
    return new Builder(bind);
  }

  /** Builds {@link ClientOptions}; defaults: {@link WebRtcConfig#builder()}, {@link BridgeConfig#defaults()}. */
  public static final class Builder {
    private final InetSocketAddress bind;
    private Signaling signaling;
    private WebRtcConfig webRtc = WebRtcConfig.builder().build();
    private BridgeConfig bridge = BridgeConfig.defaults();
    private final List<SessionPlugin> plugins = new ArrayList<>();

    private Builder(InetSocketAddress bind) {
      this.bind = Objects.requireNonNull(bind, "bind");
    }

    /** Required: how offer and answer travel. */
    public Builder signaling(Signaling value) {
      signaling = value;
      return this;
    }

    /** WebRTC settings. */
    public Builder webRtc(WebRtcConfig value) {
      webRtc = value;
      return this;
    }

    /** Bridge settings. */
    public Builder bridge(BridgeConfig value) {
      bridge = value;
      return this;
    }

    /** Adds a plugin. */
    public Builder plugin(SessionPlugin value) {
      plugins.add(Objects.requireNonNull(value, "plugin"));
      return this;
    }

    /** The options. */
    public ClientOptions build() {
      if (signaling == null) {
        throw new IllegalStateException("signaling: null (expected: set with signaling(...))");
      }
      return new ClientOptions(bind, signaling, webRtc, bridge, plugins);
    }
  }
}

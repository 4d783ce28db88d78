package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.Mapping;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Tunnel#client} needs. Immutable and thread-safe.
 *
 * @param bind the default mapping: a local address (bound at once, before joining) whose connections reach the host's
 *     default service, as with the original app (port 0 picks a free port); null for none
 * @param mappings ports mapped to the host's services by name, bound once the host's list arrives (what protocol a
 *     service speaks is in that list)
 * @param mapAll whether to map every service the host shares (now and later) that {@code mappings} does not name, on
 *     127.0.0.1 and the service's own port number, or the next free one
 * @param signaling carries the join exchange
 * @param webRtc ICE servers, ports, timeouts
 * @param bridge engine settings
 * @param plugins attached to the session once it exists
 * @param name the name the host's person sees (follows {@link ClientName}'s rule)
 * @param identity this installation's DTLS identity (default: a new one per tunnel)
 * @param knownHosts where the identities of hosts joined before are remembered under {@link Signaling#hostKey()};
 *     a host whose identity changed is refused. Null: remember nothing
 * @param pairing whether to speak the pairing extension (commitment, code, in-channel check); false joins like the
 *     original app, without a code
 * @param listener the code and the approval, for user interfaces
 * @param callbackExecutor runs the listener's calls and completes the tunnel's futures ({@code opened()},
 *     {@code closed()}, {@code path()}); null: one daemon thread of the tunnel's own,
 *     {@code p2p-tunnel-callbacks-client-N}, ended once the tunnel has closed. Never the common pool
 */
public record ClientOptions(
    @Nullable InetSocketAddress bind, List<Mapping> mappings, boolean mapAll, Signaling signaling, WebRtcConfig webRtc, BridgeConfig bridge,
    List<SessionPlugin> plugins, String name, Identity identity, @Nullable TrustStore knownHosts, boolean pairing,
    ClientListener listener, @Nullable Executor callbackExecutor) {

  /** The same options with another listener (the tunnel's own wrapper that moves calls to its callback executor). */
  ClientOptions withListener(ClientListener other) {
    return new ClientOptions(bind, mappings, mapAll, signaling, webRtc, bridge, plugins, name, identity, knownHosts,
        pairing, other, callbackExecutor);
  }

  /** Validates and copies. */
  public ClientOptions {
    mappings = List.copyOf(mappings);
    Objects.requireNonNull(signaling, "signaling");
    Objects.requireNonNull(webRtc, "webRtc");
    Objects.requireNonNull(bridge, "bridge");
    ClientName.check(name);
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(listener, "listener");
    plugins = List.copyOf(plugins);
  }

  /** A builder whose default mapping listens on 127.0.0.1:{@code port}. */
  public static Builder builder(int port) {
    return new Builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /** A builder whose default mapping listens on {@code bind} (e.g. {@code ::1}, or an explicit interface address). */
  public static Builder builder(InetSocketAddress bind) {
    return new Builder(Objects.requireNonNull(bind, "bind"));
  }

  /** A builder without a default mapping: add {@link Builder#map} or {@link Builder#mapAll}. */
  public static Builder builder() {
    return new Builder(null);
  }

  /** Builds {@link ClientOptions}; defaults: {@link WebRtcConfig#builder()}, {@link BridgeConfig#defaults()}. */
  public static final class Builder {
    private final @Nullable InetSocketAddress bind;
    private final List<Mapping> mappings = new ArrayList<>();
    private boolean mapAll;
    private @Nullable Signaling signaling;
    private WebRtcConfig webRtc = WebRtcConfig.builder().build();
    private BridgeConfig bridge = BridgeConfig.defaults();
    private final List<SessionPlugin> plugins = new ArrayList<>();
    private String name = "client";
    private @Nullable Identity identity;
    private @Nullable TrustStore knownHosts;
    private boolean pairing = true;
    private ClientListener listener = new ClientListener() {};
    private @Nullable Executor callbackExecutor;

    private Builder(@Nullable InetSocketAddress bind) {
      this.bind = bind;
    }

    /** Maps a port to a service of the host, by name. */
    public Builder map(Mapping value) {
      mappings.add(Objects.requireNonNull(value, "mapping"));
      return this;
    }

    /** Whether to map every service the host shares that no {@link #map} names; default false. */
    public Builder mapAll(boolean value) {
      mapAll = value;
      return this;
    }

    /**
     * Required: how the join travels. The tunnel never closes it (one signaling may carry several joins): whoever
     * created it closes it, e.g. {@link dev.p2ptunnel.webrtc.signaling.HttpSignaling#close()}.
     */
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

    /** The name the host sees; default {@code "client"}. */
    public Builder name(String value) {
      name = value;
      return this;
    }

    /** This installation's identity, e.g. {@link Identity#loadOrCreate}; default: a new one. */
    public Builder identity(Identity value) {
      identity = value;
      return this;
    }

    /** Remember hosts' identities here and refuse a host whose identity changed; default: none. */
    public Builder knownHosts(TrustStore value) {
      knownHosts = value;
      return this;
    }

    /** Whether to speak the pairing extension; default true. */
    public Builder pairing(boolean value) {
      pairing = value;
      return this;
    }

    /** The code and approval events. */
    public Builder listener(ClientListener value) {
      listener = value;
      return this;
    }

    /**
     * Where the listener's calls run and the tunnel's futures complete (in order, if the executor runs tasks in
     * order); default: one daemon thread of the tunnel's own, {@code p2p-tunnel-callbacks-client-N}. The executor is
     * never shut down by the tunnel.
     */
    public Builder callbackExecutor(Executor value) {
      callbackExecutor = Objects.requireNonNull(value, "callbackExecutor");
      return this;
    }

    /** The options. */
    public ClientOptions build() {
      if (signaling == null) {
        throw new IllegalStateException("signaling: null (expected: set with signaling(...))");
      }
      return new ClientOptions(bind, mappings, mapAll, signaling, webRtc, bridge, plugins, name,
          identity != null ? identity : Identity.generate(), knownHosts, pairing, listener, callbackExecutor);
    }
  }
}

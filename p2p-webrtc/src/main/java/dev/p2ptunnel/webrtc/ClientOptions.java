package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.Mapping;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Tunnel#client} needs; build it with one of the {@code builder} methods, change a copy with
 * {@link #toBuilder()}. A class rather than a record so that settings can be added without breaking callers.
 * Immutable and thread-safe.
 */
public final class ClientOptions {
  /** Default {@link #closeTimeout()}: how long {@link ClientTunnel#close()} waits at most. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final @Nullable InetSocketAddress bind;
  private final List<Mapping> mappings;
  private final boolean mapAll;
  private final Signaling signaling;
  private final TunnelSettings common;
  private final String name;
  private final @Nullable TrustStore knownHosts;
  private final boolean pairing;
  private final ClientListener listener;
  private final Duration closeTimeout;

  private ClientOptions(Builder b, Signaling signaling) {
    this.bind = b.bind;
    this.mappings = List.copyOf(b.mappings);
    this.mapAll = b.mapAll;
    this.signaling = signaling;
    this.common = b.common.build();
    this.name = ClientName.check(b.name);
    this.knownHosts = b.knownHosts;
    this.pairing = b.pairing;
    this.listener = Objects.requireNonNull(b.listener, "listener");
    this.closeTimeout = Objects.requireNonNull(b.closeTimeout, "closeTimeout");
    TunnelSettings.checkCloseTimeout("closeTimeout", closeTimeout);
  }

  /**
   * The default mapping: a local address (bound at once, before joining) whose connections reach the host's default
   * service, as with the original app (port 0 picks a free port); null for none.
   */
  public @Nullable InetSocketAddress bind() {
    return bind;
  }

  /**
   * Ports mapped to the host's services by name, bound once the host's list arrives (what protocol a service speaks
   * is in that list).
   */
  public List<Mapping> mappings() {
    return mappings;
  }

  /**
   * Whether to map every service the host shares (now and later) that {@link #mappings()} does not name, on
   * 127.0.0.1 and the service's own port number, or the next free one.
   */
  public boolean mapAll() {
    return mapAll;
  }

  /** Carries the join exchange. */
  public Signaling signaling() {
    return signaling;
  }

  /** ICE servers, ports, timeouts. */
  public WebRtcConfig webRtc() {
    return common.webRtc();
  }

  /** Engine settings. */
  public BridgeConfig bridge() {
    return common.bridge();
  }

  /** Attached to the session once it exists. */
  public List<SessionPlugin> plugins() {
    return common.plugins();
  }

  /** The name the host's person sees (follows {@link ClientName}'s rule). */
  public String name() {
    return name;
  }

  /** This installation's DTLS identity (default: a new one per tunnel). */
  public Identity identity() {
    return common.identity();
  }

  /**
   * Where the identities of hosts joined before are remembered under {@link Signaling#hostKey()}; a host whose
   * identity changed is refused. Null: remember nothing.
   */
  public @Nullable TrustStore knownHosts() {
    return knownHosts;
  }

  /**
   * Whether to speak the pairing extension (commitment, code, in-channel check); false joins like the original app,
   * without a code.
   */
  public boolean pairing() {
    return pairing;
  }

  /** The code and the approval, for user interfaces (one method each; {@link #events()} reports the same and more). */
  public ClientListener listener() {
    return listener;
  }

  /** Every event of the tunnel as one {@link TunnelEvent} stream, or null for none. */
  public @Nullable TunnelListener events() {
    return common.events();
  }

  /**
   * Runs the listeners' calls and completes the tunnel's futures ({@code opened()}, {@code closed()},
   * {@code path()}); null: one daemon thread of the tunnel's own, {@code p2p-tunnel-callbacks-client-N}, ended once
   * the tunnel has closed. Never the common pool.
   */
  public @Nullable Executor callbackExecutor() {
    return common.callbackExecutor();
  }

  /**
   * How long {@link ClientTunnel#close()} waits at most for the bridge, the session and the setup thread, as a whole;
   * what is still closing then goes on in the background, logged. Default {@link #DEFAULT_CLOSE_TIMEOUT}.
   */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder(bind, common.toBuilder());
    b.mappings.addAll(mappings);
    b.mapAll = mapAll;
    b.signaling = signaling;
    b.name = name;
    b.knownHosts = knownHosts;
    b.pairing = pairing;
    b.listener = listener;
    b.closeTimeout = closeTimeout;
    return b;
  }

  /** The same options with another listener (the tunnel's own wrapper that moves calls to its callback executor). */
  ClientOptions withListener(ClientListener other) {
    return toBuilder().listener(other).build();
  }

  /** The settings that are values (mappings, name, timeouts); not the signaling's or identity's internals. */
  @Override
  public String toString() {
    return "ClientOptions[bind=" + bind + ", mappings=" + mappings + ", mapAll=" + mapAll + ", webRtc=" + webRtc()
        + ", bridge=" + bridge() + ", name=" + name + ", pairing=" + pairing + ", closeTimeout=" + closeTimeout + "]";
  }

  /** A builder whose default mapping listens on 127.0.0.1:{@code port}. */
  public static Builder builder(int port) {
    return new Builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), new TunnelSettings.Builder());
  }

  /** A builder whose default mapping listens on {@code bind} (e.g. {@code ::1}, or an explicit interface address). */
  public static Builder builder(InetSocketAddress bind) {
    return new Builder(Objects.requireNonNull(bind, "bind"), new TunnelSettings.Builder());
  }

  /** A builder without a default mapping: add {@link Builder#map} or {@link Builder#mapAll}. */
  public static Builder builder() {
    return new Builder(null, new TunnelSettings.Builder());
  }

  /** Builds {@link ClientOptions}; defaults: {@link WebRtcConfig#builder()}, {@link BridgeConfig#defaults()}. */
  public static final class Builder {
    private final @Nullable InetSocketAddress bind;
    private final List<Mapping> mappings = new ArrayList<>();
    private boolean mapAll;
    private @Nullable Signaling signaling;
    /** webRtc, bridge, plugins, events, identity, callbackExecutor: defaults and checks there. */
    private final TunnelSettings.Builder common;
    private String name = "client";
    private @Nullable TrustStore knownHosts;
    private boolean pairing = true;
    private ClientListener listener = new ClientListener() {};
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

    private Builder(@Nullable InetSocketAddress bind, TunnelSettings.Builder common) {
      this.bind = bind;
      this.common = common;
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
      signaling = Objects.requireNonNull(value, "signaling");
      return this;
    }

    /** WebRTC settings. */
    public Builder webRtc(WebRtcConfig value) {
      common.webRtc(value);
      return this;
    }

    /** Bridge settings. */
    public Builder bridge(BridgeConfig value) {
      common.bridge(value);
      return this;
    }

    /** Adds a plugin. */
    public Builder plugin(SessionPlugin value) {
      common.plugin(value);
      return this;
    }

    /** The name the host sees; default {@code "client"}. */
    public Builder name(String value) {
      name = Objects.requireNonNull(value, "name");
      return this;
    }

    /** This installation's identity, e.g. {@link Identity#loadOrCreate}; default: a new one. */
    public Builder identity(Identity value) {
      common.identity(value);
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

    /**
     * The code and approval events, one method each; {@link #events(TunnelListener)} reports the same as one stream,
     * with the tunnel's, the sockets' events and the errors.
     */
    public Builder listener(ClientListener value) {
      listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /** Receives every event of the tunnel ({@link TunnelEvent}); default: none. */
    public Builder events(TunnelListener value) {
      common.events(value);
      return this;
    }

    /**
     * How long {@link ClientTunnel#close()} waits at most; default {@link #DEFAULT_CLOSE_TIMEOUT}, at most
     * {@link HostOptions#MAX_CLOSE_TIMEOUT}.
     */
    public Builder closeTimeout(Duration value) {
      closeTimeout = Objects.requireNonNull(value, "closeTimeout");
      return this;
    }

    /**
     * Where the listener's calls run and the tunnel's futures complete (in order, if the executor runs tasks in
     * order); default: one daemon thread of the tunnel's own, {@code p2p-tunnel-callbacks-client-N}. The executor is
     * never shut down by the tunnel.
     */
    public Builder callbackExecutor(Executor value) {
      common.callbackExecutor(value);
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalStateException if no signaling was set
     * @throws IllegalArgumentException if a value is out of range, naming it, its value and the limit
     */
    public ClientOptions build() {
      Signaling s = signaling;
      if (s == null) {
        throw new IllegalStateException("signaling: null (expected: set with signaling(...))");
      }
      return new ClientOptions(this, s);
    }
  }
}

package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.Service;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Tunnel#host} needs; build it with {@link #builder(String, int)} or {@link #builder()}, change a copy
 * with {@link #toBuilder()}. A class rather than a record so that settings can be added without breaking callers.
 * Immutable and thread-safe.
 */
public final class HostOptions {
  /** Default {@link #closeTimeout()}: how long {@link HostTunnel#close()} waits at most, as a whole. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(15);
  /** Default {@link #clientCloseTimeout()}: how long closing one client's tunnel waits at most. */
  public static final Duration DEFAULT_CLIENT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
  /** The longest close bound accepted: a close that takes longer is better left to the background. */
  public static final Duration MAX_CLOSE_TIMEOUT = Duration.ofMinutes(10);

  private final List<Service> services;
  private final HostSignaling signaling;
  private final TunnelSettings common;
  private final JoinApprover approver;
  private final int maxClients;
  private final boolean stayOpen;
  private final HostListener listener;
  private final @Nullable TrustStore trustStore;
  private final Duration approveTimeout;
  private final int maxPendingJoins;
  private final boolean closeSignaling;
  private final Duration closeTimeout;
  private final Duration clientCloseTimeout;

  private HostOptions(Builder b, HostSignaling signaling) {
    this.common = b.common.build();
    this.services = List.copyOf(b.services);
    this.signaling = signaling;
    this.approver = Objects.requireNonNull(b.approver, "approver");
    this.maxClients = b.maxClients;
    this.stayOpen = b.stayOpen;
    this.listener = Objects.requireNonNull(b.listener, "listener");
    this.trustStore = b.trustStore;
    this.approveTimeout = Objects.requireNonNull(b.approveTimeout, "approveTimeout");
    this.maxPendingJoins = b.maxPendingJoins;
    this.closeSignaling = b.closeSignaling;
    this.closeTimeout = Objects.requireNonNull(b.closeTimeout, "closeTimeout");
    this.clientCloseTimeout = Objects.requireNonNull(b.clientCloseTimeout, "clientCloseTimeout");
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients: " + maxClients + " (expected: >= 1)");
    }
    if (services.isEmpty()) {
      throw new IllegalArgumentException("services: none (expected: at least one, e.g. builder(host, port))");
    }
    if (approveTimeout.isNegative() || approveTimeout.isZero()) {
      throw new IllegalArgumentException("approveTimeout: " + approveTimeout + " (expected: > 0)");
    }
    if (maxPendingJoins < 1) {
      throw new IllegalArgumentException("maxPendingJoins: " + maxPendingJoins + " (expected: >= 1)");
    }
    TunnelSettings.checkCloseTimeout("closeTimeout", closeTimeout);
    TunnelSettings.checkCloseTimeout("clientCloseTimeout", clientCloseTimeout);
    if (clientCloseTimeout.compareTo(closeTimeout) > 0) {
      throw new IllegalArgumentException("clientCloseTimeout: " + clientCloseTimeout + " (expected: <= closeTimeout "
          + closeTimeout + ", the bound of the host's close as a whole)");
    }
  }

  /**
   * The host's access rules: the services it shares, in order (the first TCP one is the default, what an original
   * client reaches); nothing else is reachable, and the host names a LAN machine only if a service names it
   * ({@link Service}); host names are resolved when the tunnel starts. {@link HostTunnel#share} and
   * {@link HostTunnel#unshare} change them while it runs.
   */
  public List<Service> services() {
    return services;
  }

  /** Brings clients' join requests (with their offers) and carries answers or refusals back. */
  public HostSignaling signaling() {
    return signaling;
  }

  /** ICE servers, ports, timeouts. */
  public WebRtcConfig webRtc() {
    return common.webRtc();
  }

  /** Engine settings (flow control window, keepalive, …). */
  public BridgeConfig bridge() {
    return common.bridge();
  }

  /** Attached to each client's session once it exists (monitors, loggers). */
  public List<SessionPlugin> plugins() {
    return common.plugins();
  }

  /** Decides on each join request, seeing the client's name, address and short authentication code. */
  public JoinApprover approver() {
    return approver;
  }

  /**
   * How many clients may be connected at once; further join requests are refused ("the host is busy with another
   * client").
   */
  public int maxClients() {
    return maxClients;
  }

  /**
   * Whether to keep taking join requests after the last client left; when false (the original app's "one session,
   * one client"), the host tunnel closes once a client has come and gone.
   */
  public boolean stayOpen() {
    return stayOpen;
  }

  /** Join, approval and leave events (the older, per-method listener; {@link #events()} reports the same and more). */
  public HostListener listener() {
    return listener;
  }

  /** Every event of the tunnel as one {@link TunnelEvent} stream, or null for none. */
  public @Nullable TunnelListener events() {
    return common.events();
  }

  /** This installation's DTLS identity, the fingerprint clients remember (default: a new one per host). */
  public Identity identity() {
    return common.identity();
  }

  /** Clients trusted to join without asking (and where "approve and trust" writes), or null. */
  public @Nullable TrustStore trustStore() {
    return trustStore;
  }

  /** A join the approver has not decided within this is refused, saying so. */
  public Duration approveTimeout() {
    return approveTimeout;
  }

  /**
   * Joins waiting for the approver at once; more are refused, as is a second waiting join from the same address.
   */
  public int maxPendingJoins() {
    return maxPendingJoins;
  }

  /**
   * Whether closing the tunnel closes {@link #signaling()} (default true: handing it over hands over its ownership,
   * e.g. of a session created for this host); false: the caller keeps it and closes it.
   */
  public boolean closeSignaling() {
    return closeSignaling;
  }

  /**
   * Runs the listeners' and the approver's calls and completes the futures of the tunnel and its clients
   * ({@code opened()}, {@code closed()}, {@code path()}, {@link PendingJoin#cancelled()}); null: one daemon thread of
   * the tunnel's own, {@code p2p-tunnel-callbacks-host-N}, ended once the tunnel has closed. Never the common pool.
   */
  public @Nullable Executor callbackExecutor() {
    return common.callbackExecutor();
  }

  /**
   * How long {@link HostTunnel#close()} waits at most, as a whole, for its clients (closed in parallel) and its
   * signaling; what is still closing then goes on in the background, logged. Default
   * {@link #DEFAULT_CLOSE_TIMEOUT}.
   */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * How long closing one client's tunnel (its bridge, session and setup thread) waits at most, when that client is
   * closed alone ({@link ClientConnection#close()}, or it left); at most {@link #closeTimeout()}. Default
   * {@link #DEFAULT_CLIENT_CLOSE_TIMEOUT}.
   */
  public Duration clientCloseTimeout() {
    return clientCloseTimeout;
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder(common.toBuilder());
    b.services.addAll(services);
    b.signaling = signaling;
    b.approver = approver;
    b.maxClients = maxClients;
    b.stayOpen = stayOpen;
    b.listener = listener;
    b.trustStore = trustStore;
    b.approveTimeout = approveTimeout;
    b.maxPendingJoins = maxPendingJoins;
    b.closeSignaling = closeSignaling;
    b.closeTimeout = closeTimeout;
    b.clientCloseTimeout = clientCloseTimeout;
    return b;
  }

  /** The settings that are values (services, limits, timeouts); not the signaling's or identity's internals. */
  @Override
  public String toString() {
    return "HostOptions[services=" + services + ", webRtc=" + webRtc() + ", bridge=" + bridge() + ", maxClients="
        + maxClients + ", stayOpen=" + stayOpen + ", maxPendingJoins=" + maxPendingJoins + ", approveTimeout="
        + approveTimeout + ", closeSignaling=" + closeSignaling + ", closeTimeout=" + closeTimeout
        + ", clientCloseTimeout=" + clientCloseTimeout + "]";
  }

  /**
   * A builder sharing one TCP service at {@code host:port}, named {@value Service#DEFAULT_NAME}, e.g.
   * {@code ("127.0.0.1", 25565)} or {@code ("::1", 11434)}; {@link Builder#share} adds more.
   */
  public static Builder builder(String host, int port) {
    return builder().share(Service.tcp(Service.DEFAULT_NAME, host, port));
  }

  /** A builder sharing nothing yet: add services with {@link Builder#share}. */
  public static Builder builder() {
    return new Builder(new TunnelSettings.Builder());
  }

  /**
   * The default service's target, unresolved: the first TCP service, what an original client reaches (null if only
   * UDP services are shared).
   */
  public @Nullable InetSocketAddress target() {
    for (Service service : services) {
      if (service.protocol() == Service.Protocol.TCP) {
        return InetSocketAddress.createUnresolved(service.host(), service.port());
      }
    }
    return null;
  }

  /** Builds {@link HostOptions}; defaults: {@link WebRtcConfig#builder()}, {@link BridgeConfig#defaults()}. */
  public static final class Builder {
    private final List<Service> services = new ArrayList<>();
    private @Nullable HostSignaling signaling;
    /** webRtc, bridge, plugins, events, identity, callbackExecutor: defaults and checks there. */
    private final TunnelSettings.Builder common;
    private JoinApprover approver = JoinApprover.APPROVE_ALL;
    private int maxClients = 1;
    private boolean stayOpen;
    private HostListener listener = new HostListener() {};
    private @Nullable TrustStore trustStore;
    private Duration approveTimeout = Duration.ofMinutes(5);
    private int maxPendingJoins = 4;
    private boolean closeSignaling = true;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private Duration clientCloseTimeout = DEFAULT_CLIENT_CLOSE_TIMEOUT;

    private Builder(TunnelSettings.Builder common) {
      this.common = common;
    }

    /** Shares one more service (a name not used yet). */
    public Builder share(Service value) {
      Objects.requireNonNull(value, "service");
      for (Service shared : services) {
        if (shared.name().equals(value.name())) {
          throw new IllegalArgumentException("service name: '" + value.name() + "' is shared already (as " + shared
              + "; expected: a name not in use)");
        }
      }
      services.add(value);
      return this;
    }

    /**
     * Required: how offer and answer travel. The tunnel closes it when it closes, unless
     * {@link #closeSignaling(boolean) closeSignaling(false)}.
     */
    public Builder signaling(HostSignaling value) {
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

    /** Who decides on join requests; default: {@link JoinApprover#APPROVE_ALL}. */
    public Builder approver(JoinApprover value) {
      approver = Objects.requireNonNull(value, "approver");
      return this;
    }

    /** How many clients at once; default 1, as the original app. */
    public Builder maxClients(int value) {
      maxClients = value;
      return this;
    }

    /** Whether to keep hosting after the last client left; default false. */
    public Builder stayOpen(boolean value) {
      stayOpen = value;
      return this;
    }

    /**
     * Join, approval and leave events, one method each; {@link #events(TunnelListener)} reports the same as one stream,
     * with the sockets' events and the errors.
     */
    public Builder listener(HostListener value) {
      listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /** Receives every event of the tunnel and its clients ({@link TunnelEvent}); default: none. */
    public Builder events(TunnelListener value) {
      common.events(value);
      return this;
    }

    /** This installation's identity, e.g. {@link Identity#loadOrCreate}; default: a new one. */
    public Builder identity(Identity value) {
      common.identity(value);
      return this;
    }

    /** Clients trusted to join without asking; "approve and trust" decisions are written here. */
    public Builder trustStore(TrustStore value) {
      trustStore = value;
      return this;
    }

    /** How long a join may wait for the approver; default 5 minutes. */
    public Builder approveTimeout(Duration value) {
      approveTimeout = Objects.requireNonNull(value, "approveTimeout");
      return this;
    }

    /** How many joins may wait for the approver at once; default 4. */
    public Builder maxPendingJoins(int value) {
      maxPendingJoins = value;
      return this;
    }

    /**
     * Whether closing the tunnel closes the signaling; default true (the tunnel owns it). False keeps it open for
     * the caller, who closes it (e.g. one {@link InMemorySignaling} shared by several hosts one after another).
     */
    public Builder closeSignaling(boolean value) {
      closeSignaling = value;
      return this;
    }

    /**
     * Where the listener's and the approver's calls run and the tunnel's futures complete (in order, if the executor
     * runs tasks in order); default: one daemon thread of the tunnel's own, {@code p2p-tunnel-callbacks-host-N}. The
     * executor is never shut down by the tunnel. A direct executor ({@code Runnable::run}) runs the callbacks on the
     * host's own threads, where a slow or blocking callback then holds up joins: avoid it.
     */
    public Builder callbackExecutor(Executor value) {
      common.callbackExecutor(value);
      return this;
    }

    /**
     * How long {@link HostTunnel#close()} waits at most, as a whole; default {@link #DEFAULT_CLOSE_TIMEOUT}, at most
     * {@link #MAX_CLOSE_TIMEOUT}.
     */
    public Builder closeTimeout(Duration value) {
      closeTimeout = Objects.requireNonNull(value, "closeTimeout");
      return this;
    }

    /**
     * How long closing one client's tunnel waits at most; default {@link #DEFAULT_CLIENT_CLOSE_TIMEOUT}, at most
     * {@link #closeTimeout}.
     */
    public Builder clientCloseTimeout(Duration value) {
      clientCloseTimeout = Objects.requireNonNull(value, "clientCloseTimeout");
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalStateException if no signaling was set
     * @throws IllegalArgumentException if a value is out of range, naming it, its value and the limit
     */
    public HostOptions build() {
      HostSignaling s = signaling;
      if (s == null) {
        throw new IllegalStateException("signaling: null (expected: set with signaling(...))");
      }
      return new HostOptions(this, s);
    }
  }
}

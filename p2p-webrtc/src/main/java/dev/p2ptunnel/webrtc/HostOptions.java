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
 * What {@link Tunnel#host} needs. Immutable and thread-safe.
 *
 * @param services the host's access rules: the services it shares, in order (the first TCP one is the default, what
 *     an original client reaches); nothing else is reachable, and the host names a LAN machine only if a service
 *     names it ({@link Service}); host names are resolved when the tunnel starts. {@link HostTunnel#share} and
 *     {@link HostTunnel#unshare} change them while it runs
 * @param signaling brings clients' join requests (with their offers) and carries answers or refusals back
 * @param webRtc ICE servers, ports, timeouts
 * @param bridge engine settings (flow control window, keepalive, …)
 * @param plugins attached to each client's session once it exists (monitors, loggers)
 * @param approver decides on each join request, seeing the client's name, address and short authentication code
 * @param maxClients how many clients may be connected at once; further join requests are refused ("the host is
 *     busy with another client")
 * @param stayOpen whether to keep taking join requests after the last client left; when false (the original app's
 *     "one session, one client"), the host tunnel closes once a client has come and gone
 * @param listener join, approval and leave events
 * @param identity this installation's DTLS identity, the fingerprint clients remember (default: a new one per host)
 * @param trustStore clients trusted to join without asking (and where "approve and trust" writes), or null
 * @param approveTimeout a join the approver has not decided within this is refused, saying so
 * @param maxPendingJoins joins waiting for the approver at once; more are refused, as is a second waiting join
 *     from the same address
 * @param closeSignaling whether closing the tunnel closes {@code signaling} (default true: handing it over hands
 *     over its ownership, e.g. of a session created for this host); false: the caller keeps it and closes it
 * @param callbackExecutor runs the listener's and the approver's calls and completes the futures of the tunnel and
 *     its clients ({@code opened()}, {@code closed()}, {@code path()}, {@link PendingJoin#cancelled()}); null: one
 *     daemon thread of the tunnel's own, {@code p2p-tunnel-callbacks-host-N}, ended once the tunnel has closed.
 *     Never the common pool
 */
public record HostOptions(
    List<Service> services, HostSignaling signaling, WebRtcConfig webRtc, BridgeConfig bridge,
    List<SessionPlugin> plugins, JoinApprover approver, int maxClients, boolean stayOpen,
    HostListener listener, Identity identity, @Nullable TrustStore trustStore, Duration approveTimeout,
    int maxPendingJoins, boolean closeSignaling, @Nullable Executor callbackExecutor) {

  /** Validates and copies. */
  public HostOptions {
    Objects.requireNonNull(approver, "approver");
    Objects.requireNonNull(listener, "listener");
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients: " + maxClients + " (expected: >= 1)");
    }
    services = List.copyOf(services);
    if (services.isEmpty()) {
      throw new IllegalArgumentException("services: none (expected: at least one, e.g. builder(host, port))");
    }
    Objects.requireNonNull(signaling, "signaling");
    Objects.requireNonNull(webRtc, "webRtc");
    Objects.requireNonNull(bridge, "bridge");
    Objects.requireNonNull(identity, "identity");
    if (approveTimeout.isNegative() || approveTimeout.isZero()) {
      throw new IllegalArgumentException("approveTimeout: " + approveTimeout + " (expected: > 0)");
    }
    if (maxPendingJoins < 1) {
      throw new IllegalArgumentException("maxPendingJoins: " + maxPendingJoins + " (expected: >= 1)");
    }
    plugins = List.copyOf(plugins);
  }

  /**
   * A builder sharing one TCP service at {@code host:port}, named {@value Service#DEFAULT_NAME}, e.g.
   * {@code ("127.0.0.1", 25565)} or {@code ("::1", 11434)}; {@link Builder#share} adds more.
   */
  public static Builder builder(String host, int port) {
    return new Builder().share(Service.tcp(Service.DEFAULT_NAME, host, port));
  }

  /** A builder sharing nothing yet: add services with {@link Builder#share}. */
  public static Builder builder() {
    return new Builder();
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
    private WebRtcConfig webRtc = WebRtcConfig.builder().build();
    private BridgeConfig bridge = BridgeConfig.defaults();
    private final List<SessionPlugin> plugins = new ArrayList<>();
    private JoinApprover approver = JoinApprover.APPROVE_ALL;
    private int maxClients = 1;
    private boolean stayOpen;
    private HostListener listener = new HostListener() {};
    private @Nullable Identity identity;
    private @Nullable TrustStore trustStore;
    private Duration approveTimeout = Duration.ofMinutes(5);
    private int maxPendingJoins = 4;
    private boolean closeSignaling = true;
    private @Nullable Executor callbackExecutor;

    private Builder() {}

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

    /** Who decides on join requests; default: {@link JoinApprover#APPROVE_ALL}. */
    public Builder approver(JoinApprover value) {
      approver = value;
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

    /** Join, approval and leave events. */
    public Builder listener(HostListener value) {
      listener = value;
      return this;
    }

    /** This installation's identity, e.g. {@link Identity#loadOrCreate}; default: a new one. */
    public Builder identity(Identity value) {
      identity = value;
      return this;
    }

    /** Clients trusted to join without asking; "approve and trust" decisions are written here. */
    public Builder trustStore(TrustStore value) {
      trustStore = value;
      return this;
    }

    /** How long a join may wait for the approver; default 5 minutes. */
    public Builder approveTimeout(Duration value) {
      approveTimeout = value;
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
      callbackExecutor = Objects.requireNonNull(value, "callbackExecutor");
      return this;
    }

    /** The options. */
    public HostOptions build() {
      if (signaling == null) {
        throw new IllegalStateException("signaling: null (expected: set with signaling(...))");
      }
      return new HostOptions(services, signaling, webRtc, bridge, plugins, approver, maxClients, stayOpen,
          listener, identity != null ? identity : Identity.generate(), trustStore, approveTimeout,
          maxPendingJoins, closeSignaling, callbackExecutor);
    }
  }
}

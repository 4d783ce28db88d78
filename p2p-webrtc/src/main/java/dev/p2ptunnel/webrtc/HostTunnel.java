package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.webrtc.internal.HostRuntime;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The host end of a tunnel: shares {@link #services()} with up to {@link HostOptions#maxClients()} clients at once,
 * each with its own session and bridge ({@link #clients()}). It is OPEN once a first client's channel has opened;
 * {@link #stats()} sums over the connected clients. Services can be shared and withdrawn while it runs; every
 * connected client learns it at once. Closing it disconnects every client (in parallel) and closes its signaling,
 * which it owns unless {@link HostOptions.Builder#closeSignaling closeSignaling(false)}; close() waits at most
 * {@link HostOptions#closeTimeout()} (15 s by default) as a whole. Thread-safe. See {@link TunnelHandle}.
 */
public final class HostTunnel extends TunnelHandleBase implements TunnelHandle {
  private final HostRuntime runtime;

  HostTunnel(HostRuntime runtime) {
    super(runtime, runtime.callbacks());
    this.runtime = runtime;
  }

  /**
   * The default service's target (the first TCP service: what an original client reaches), resolved, or null when
   * no TCP service is shared.
   */
  public @Nullable InetSocketAddress target() {
    HostServices.Snapshot now = runtime.services().snapshot();
    SharedService first = now.defaultService();
    return first == null ? null : now.target(first.id());
  }

  /** The services shared now, in order. */
  public List<Service> services() {
    return runtime.services().list();
  }

  /**
   * Shares one more service from now on, with every client (connected ones get the new list at once). Its host name
   * is resolved on this thread.
   *
   * @throws IllegalArgumentException if its name is in use, 256 services are shared, or its host does not resolve
   */
  public void share(Service service) {
    runtime.services().share(service);
  }

  /**
   * Withdraws the service named {@code name}: connected clients get the new list, its open connections and UDP flows
   * are closed (the clients are told why), new ones are refused.
   *
   * @return whether such a service was shared
   */
  public boolean unshare(String name) {
    return runtime.services().unshare(name);
  }

  /** The clients connected or connecting now. */
  public List<ClientConnection> clients() {
    return runtime.clients();
  }
}

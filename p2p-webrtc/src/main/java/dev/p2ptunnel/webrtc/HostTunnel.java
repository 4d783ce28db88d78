package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.webrtc.internal.HostRuntime;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The host end of a tunnel: shares {@link #target()} with up to {@link HostOptions#maxClients()} clients at once,
 * each with its own session and bridge ({@link #clients()}). It is OPEN once a first client's channel has opened;
 * {@link #stats()} sums over the connected clients. Closing it disconnects every client (in parallel) and closes
 * its signaling, which it owns unless {@link HostOptions.Builder#closeSignaling closeSignaling(false)}; close() waits
 * 15 s at most as a whole. Thread-safe. See {@link TunnelHandle}.
 */
public final class HostTunnel extends TunnelHandleBase implements TunnelHandle {
  private final HostRuntime runtime;
  private final InetSocketAddress target;

  HostTunnel(HostRuntime runtime, InetSocketAddress target) {
    super(runtime, runtime.callbacks());
    this.runtime = runtime;
    this.target = target;
  }

  /** The shared service. */
  public InetSocketAddress target() {
    return target;
  }

  /** The clients connected or connecting now. */
  public List<ClientConnection> clients() {
    return runtime.clients();
  }
}

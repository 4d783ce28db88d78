package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.webrtc.internal.Callbacks;
import dev.p2ptunnel.webrtc.internal.TunnelCore;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The client end of a tunnel: the user's app connects to {@link #localAddress()}. It never closes the
 * {@link Signaling} it was given ({@link ClientOptions.Builder#signaling}). close() waits 10 s at most. Thread-safe.
 * See {@link TunnelHandle}.
 */
public final class ClientTunnel extends TunnelHandleBase implements TunnelHandle {
  private final TunnelCore core;
  private final InetSocketAddress localAddress;

  ClientTunnel(TunnelCore core, InetSocketAddress localAddress, Callbacks callbacks) {
    super(core, callbacks);
    this.core = core;
    this.localAddress = localAddress;
  }

  /** Where the user's app connects: the bound address and port. */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * The short authentication string to compare with the host's (see {@link ShortAuthString}), once the host's answer
   * has arrived; null before.
   */
  public @Nullable String shortAuthString() {
    return core.shortAuthString();
  }
}

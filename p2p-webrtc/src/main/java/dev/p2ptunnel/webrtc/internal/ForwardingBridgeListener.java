package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.SharedService;
import java.net.SocketAddress;
import java.util.List;

/**
 * A link in a bridge listener chain that passes every event on to {@code next} unchanged; a subclass overrides what it
 * looks at. The one place that names every {@link BridgeListener} method for a link: its methods all have defaults,
 * so a method added later would otherwise stop at a link in silence (ListenerChainTest checks this class). Runs on the
 * bridge's loop thread, as the events do; thread-safe as far as {@code next} is.
 */
public abstract class ForwardingBridgeListener implements BridgeListener {
  /** Where the events go on. */
  protected final BridgeListener next;

  protected ForwardingBridgeListener(BridgeListener next) {
    this.next = next;
  }

  @Override
  public void onSocketOpened(int socketId, SocketAddress address) {
    next.onSocketOpened(socketId, address);
  }

  @Override
  public void onSocketClosed(int socketId, String reason) {
    next.onSocketClosed(socketId, reason);
  }

  @Override
  public void onError(ErrorKind kind, int socketId, String message) {
    next.onError(kind, socketId, message);
  }

  @Override
  public void onNegotiated(int features) {
    next.onNegotiated(features);
  }

  @Override
  public void onConnectionLost(String reason) {
    next.onConnectionLost(reason);
  }

  @Override
  public void onConnectionRestored(int socketsResumed, int socketsClosed) {
    next.onConnectionRestored(socketsResumed, socketsClosed);
  }

  @Override
  public void onServices(List<SharedService> services) {
    next.onServices(services);
  }

  @Override
  public void onClosed(String reason) {
    next.onClosed(reason);
  }
}

package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.ErrorKind;
import java.net.SocketAddress;

/**
 * Two bridge listeners as one: the user's first, then the tunnel's own, which hears every event even if the first one
 * throws. Called on the bridge's loop thread.
 */
final class BridgeListeners implements BridgeListener {
  private final BridgeListener first;
  private final BridgeListener second;

  private BridgeListeners(BridgeListener first, BridgeListener second) {
    this.first = first;
    this.second = second;
  }

  static BridgeListener both(BridgeListener first, BridgeListener second) {
    return new BridgeListeners(first, second);
  }

  @Override
  public void onSocketOpened(int socketId, SocketAddress address) {
    try {
      first.onSocketOpened(socketId, address);
    } finally {
      second.onSocketOpened(socketId, address);
    }
  }

  @Override
  public void onSocketClosed(int socketId, String reason) {
    try {
      first.onSocketClosed(socketId, reason);
    } finally {
      second.onSocketClosed(socketId, reason);
    }
  }

  @Override
  public void onError(ErrorKind kind, int socketId, String message) {
    try {
      first.onError(kind, socketId, message);
    } finally {
      second.onError(kind, socketId, message);
    }
  }

  @Override
  public void onNegotiated(int features) {
    try {
      first.onNegotiated(features);
    } finally {
      second.onNegotiated(features);
    }
  }

  @Override
  public void onConnectionLost(String reason) {
    try {
      first.onConnectionLost(reason);
    } finally {
      second.onConnectionLost(reason);
    }
  }

  @Override
  public void onConnectionRestored(int socketsResumed, int socketsClosed) {
    try {
      first.onConnectionRestored(socketsResumed, socketsClosed);
    } finally {
      second.onConnectionRestored(socketsResumed, socketsClosed);
    }
  }

  @Override
  public void onServices(java.util.List<dev.p2ptunnel.bridge.SharedService> services) {
    try {
      first.onServices(services);
    } finally {
      second.onServices(services);
    }
  }

  @Override
  public void onClosed(String reason) {
    try {
      first.onClosed(reason);
    } finally {
      second.onClosed(reason);
    }
  }
}

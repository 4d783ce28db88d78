package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.ErrorKind;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A listener that writes down every event as one line, in order. Loop thread (the test's, in embedded mode). */
final class Recorder implements BridgeListener {
  final List<String> events = new ArrayList<>();

  @Override
  public void onSocketOpened(int socketId, SocketAddress address) {
    events.add("opened " + socketId);
  }

  @Override
  public void onSocketClosed(int socketId, String reason) {
    events.add("closed " + socketId + ": " + reason);
  }

  @Override
  public void onError(ErrorKind kind, int socketId, String message) {
    events.add("error " + kind + " " + socketId + ": " + message);
  }

  @Override
  public void onNegotiated(int features) {
    events.add("negotiated " + features);
  }

  @Override
  public void onConnectionLost(String reason) {
    events.add("lost: " + reason);
  }

  @Override
  public void onConnectionRestored(int socketsResumed, int socketsClosed) {
    events.add("restored");
  }

  @Override
  public void onServices(List<dev.p2ptunnel.bridge.SharedService> services) {
    events.add("services " + services);
  }

  @Override
  public void onClosed(String reason) {
    events.add("bridge closed: " + reason);
  }

  /** The events that start with {@code prefix}. */
  List<String> starting(String prefix) {
    return events.stream().filter(e -> e.startsWith(prefix)).toList();
  }
}

package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.MessageChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A session that never connects, for plugin unit tests. */
final class FakeSession implements WebRtcSession {
  @Override
  public SessionDescription localDescription() {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<SessionDescription> localDescriptionAsync() {
    return new CompletableFuture<>();
  }

  @Override
  public void acceptAnswer(SessionDescription answer) {}

  @Override
  public MessageChannel dataChannel(Duration timeout) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<MessageChannel> dataChannelAsync() {
    return new CompletableFuture<>();
  }

  @Override
  public SessionState state() {
    return SessionState.GATHERING;
  }

  @Override
  public CompletableFuture<String> closed() {
    return new CompletableFuture<>();
  }

  @Override
  public CompletableFuture<PathType> path() {
    return new CompletableFuture<>();
  }

  @Override
  public AutoCloseable install(SessionPlugin plugin) {
    return () -> {};
  }

  @Override
  public void close() {}

  @Override
  public void close(String reason) {}
}

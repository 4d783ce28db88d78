package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.webrtc.JoinDecision;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.PendingJoin;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * One join on its way through the host: challenged, revealed, waiting for a decision, decided. Its mutable fields
 * are owned by the host's loop thread ({@link HostRuntime}); the futures and the fields set before it is handed to
 * the approver or a setup thread are safe to read anywhere.
 */
final class HostJoin implements PendingJoin {
  final JoinRequest request;
  final JoinOffer offer;
  final @Nullable String address;
  final String clientFingerprint;
  /** Paired, but the transport has no second stage: the reveal and the decision happen over the channel. */
  final boolean inChannel;
  final CompletableFuture<String> cancelled = new CompletableFuture<>();
  /** The decision, for in-channel joins (their setup thread waits for it). */
  final CompletableFuture<JoinDecision> decision = new CompletableFuture<>();
  volatile byte @Nullable [] hostNonce;
  volatile byte @Nullable [] clientNonce;
  volatile @Nullable String code;
  volatile boolean trusted;
  /** Set by the setup thread once the channel is open (the client can be told over it). */
  volatile boolean channelOpen;
  /** A rejoin of a client whose bridge is still there: failing it must not close that bridge. */
  volatile boolean rejoin;
  // loop thread only:
  boolean finished;
  boolean waitingForDecision;
  @Nullable ScheduledFuture<?> timer;
  @Nullable HostClient client;

  private final Callbacks callbacks;

  HostJoin(JoinRequest request, String clientFingerprint, Callbacks callbacks) {
    this.callbacks = callbacks;
    this.request = request;
    this.offer = request.offer();
    this.address = request.clientAddress();
    this.clientFingerprint = clientFingerprint;
    this.inChannel = offer.paired() && !request.twoStage();
  }

  @Override
  public String clientName() {
    return offer.clientName();
  }

  @Override
  public @Nullable String clientAddress() {
    return address;
  }

  @Override
  public @Nullable String shortAuthString() {
    return code;
  }

  @Override
  public String clientFingerprint() {
    return clientFingerprint;
  }

  @Override
  public CompletableFuture<String> cancelled() {
    return callbacks.deliver(cancelled);
  }

  void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
      timer = null;
    }
  }

  @Override
  public String toString() {
    return "'" + clientName() + "'" + (address == null ? "" : " at " + address);
  }
}

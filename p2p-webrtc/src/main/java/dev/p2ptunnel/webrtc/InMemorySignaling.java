package dev.p2ptunnel.webrtc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Signaling for tunnel ends in one process: each client's {@link #join} becomes a {@link JoinRequest} that the host
 * takes with {@link #nextJoin}, and every message of the exchange goes straight across (two stages, like a
 * signaling server), ICE restarts of an accepted join included. For tests, demos and programs that embed both ends.
 * Any number of clients; thread-safe.
 */
public final class InMemorySignaling implements Signaling, HostSignaling {
  private final LinkedBlockingQueue<JoinRequest> joins = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<CompletableFuture<JoinRequest>> waiting = new LinkedBlockingQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final @Nullable String clientAddress;

  /** Clients appear to the host without an address. */
  public InMemorySignaling() {
    this.clientAddress = null;
  }

  private InMemorySignaling(String clientAddress) {
    this.clientAddress = clientAddress;
  }

  /**
   * Signaling whose clients appear to the host as coming from {@code clientAddress} (for tests of per-address
   * rules). The client's name travels in its {@link JoinOffer} ({@link ClientOptions#name()}).
   */
  public static InMemorySignaling withClientAddress(String clientAddress) {
    return new InMemorySignaling(clientAddress);
  }

  @Override
  public ClientJoin join(JoinOffer offer) {
    Exchange exchange = new Exchange(offer, clientAddress);
    if (closed.get()) {
      exchange.reject("signaling closed: the host has gone");
      return exchange;
    }
    synchronized (this) {
      CompletableFuture<JoinRequest> taker;
      while ((taker = waiting.poll()) != null) {
        if (taker.complete(exchange)) {
          return exchange;
        }
      }
      joins.add(exchange);
    }
    return exchange;
  }

  @Override
  public synchronized CompletableFuture<JoinRequest> nextJoin() {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new WebRtcException("signaling closed"));
    }
    JoinRequest request = joins.poll();
    if (request != null) {
      return CompletableFuture.completedFuture(request);
    }
    CompletableFuture<JoinRequest> taker = new CompletableFuture<>();
    waiting.add(taker);
    return taker;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      WebRtcException gone = new WebRtcException("signaling closed");
      CompletableFuture<JoinRequest> taker;
      while ((taker = waiting.poll()) != null) {
        taker.completeExceptionally(gone);
      }
      JoinRequest request;
      while ((request = joins.poll()) != null) {
        request.reject("the host has stopped");
      }
    }
  }

  /** One join: the client's and the host's views of the same exchange. */
  static final class Exchange implements ClientJoin, JoinRequest {
    private final JoinOffer offer;
    private final @Nullable String address;
    private final CompletableFuture<HostReply> first = new CompletableFuture<>();
    private final CompletableFuture<JoinReveal> revealed = new CompletableFuture<>();
    private final CompletableFuture<JoinAnswer> answer = new CompletableFuture<>();
    private final CompletableFuture<String> withdrawn = new CompletableFuture<>();
    private volatile @Nullable Function<SessionDescription, CompletableFuture<SessionDescription>> restarts;
    /** Why the host ended this join ({@link #ended}), or null. */
    private volatile @Nullable String endedBecause;

    Exchange(JoinOffer offer, @Nullable String address) {
      this.offer = offer;
      this.address = address;
    }

    @Override
    public CompletableFuture<HostReply> firstReply() {
      return first.copy();
    }

    @Override
    public CompletableFuture<JoinAnswer> reveal(JoinReveal reveal) {
      revealed.complete(reveal);
      return answer.copy();
    }

    @Override
    public void withdraw(String reason) {
      if (withdrawn.complete(reason)) {
        WebRtcException gone = new WebRtcException("join withdrawn: " + reason);
        first.completeExceptionally(gone);
        answer.completeExceptionally(gone);
        revealed.completeExceptionally(gone);
      }
    }

    @Override
    public JoinOffer offer() {
      return offer;
    }

    @Override
    public @Nullable String clientAddress() {
      return address;
    }

    @Override
    public boolean twoStage() {
      return true;
    }

    @Override
    public CompletableFuture<JoinReveal> challenge(JoinChallenge challenge) {
      first.complete(challenge);
      return revealed.copy();
    }

    @Override
    public CompletableFuture<Void> accept(JoinAnswer hostAnswer) {
      if (!first.complete(hostAnswer)) {
        answer.complete(hostAnswer);
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> reject(String reason) {
      JoinRejectedException refused = new JoinRejectedException(reason);
      first.completeExceptionally(refused);
      answer.completeExceptionally(refused);
      return CompletableFuture.completedFuture(null);
    }

    /** The host ended this client's session: a client still waiting for its answer learns it at once. */
    @Override
    public CompletableFuture<Void> left(String reason) {
      WebRtcException gone = new WebRtcException("the host ended the session: " + reason);
      first.completeExceptionally(gone);
      answer.completeExceptionally(gone);
      return CompletableFuture.completedFuture(null);
    }

    /** The host no longer keeps this client: its ICE restarts are refused from now on (the client rejoins). */
    @Override
    public CompletableFuture<Void> ended(String reason) {
      endedBecause = reason;
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<String> withdrawn() {
      return withdrawn.copy();
    }

    @Override
    public boolean restartable() {
      return true;
    }

    @Override
    public CompletableFuture<SessionDescription> restartIce(SessionDescription offer) {
      Function<SessionDescription, CompletableFuture<SessionDescription>> answerer = restarts;
      if (answerer == null || !answer.isDone() && !(first.getNow(null) instanceof JoinAnswer)) {
        return CompletableFuture.failedFuture(new WebRtcException(
            "ICE restart: the host has not answered this join (expected: after its answer)"));
      }
      if (withdrawn.isDone()) {
        return CompletableFuture.failedFuture(new WebRtcException("ICE restart: the join was withdrawn"));
      }
      String because = endedBecause;
      if (because != null) {
        return CompletableFuture.failedFuture(new JoinRejectedException("ICE restart: the host ended this join: "
            + because));
      }
      return answerer.apply(offer);
    }

    @Override
    public void onRestart(Function<SessionDescription, CompletableFuture<SessionDescription>> answerer) {
      restarts = answerer;
    }
  }
}

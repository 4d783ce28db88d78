package dev.p2ptunnel.webrtc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Signaling for tunnel ends in one process: each client's {@link #exchange} becomes a {@link JoinRequest} that the
 * host takes with {@link #nextJoin}, and the host's answer or refusal goes straight back. For tests, demos and
 * programs that embed both ends. Any number of clients; thread-safe.
 */
public final class InMemorySignaling implements Signaling, HostSignaling {
  private final LinkedBlockingQueue<JoinRequest> joins = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<CompletableFuture<JoinRequest>> waiting = new LinkedBlockingQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String clientName;

  /** Clients appear to the host as {@code "in-process client"}. */
  public InMemorySignaling() {
    this("in-process client");
  }

  /** Clients appear to the host under {@code clientName}. */
  public InMemorySignaling(String clientName) {
    this.clientName = clientName;
  }

  @Override
  public CompletableFuture<SessionDescription> exchange(SessionDescription offer) {
    CompletableFuture<SessionDescription> answer = new CompletableFuture<>();
    if (closed.get()) {
      return CompletableFuture.failedFuture(new WebRtcException("signaling closed: the host has gone"));
    }
    JoinRequest request = new JoinRequest() {
      @Override
      public String clientName() {
        return clientName;
      }

      @Override
      public SessionDescription offer() {
        return offer;
      }

      @Override
      public CompletableFuture<Void> accept(SessionDescription hostAnswer) {
        answer.complete(hostAnswer);
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletableFuture<Void> reject(String reason) {
        answer.completeExceptionally(new JoinRejectedException(reason));
        return CompletableFuture.completedFuture(null);
      }
    };
    synchronized (this) {
      CompletableFuture<JoinRequest> taker;
      while ((taker = waiting.poll()) != null) {
        if (taker.complete(request)) {
          return answer.copy();
        }
      }
      joins.add(request);
    }
    return answer.copy();
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
}

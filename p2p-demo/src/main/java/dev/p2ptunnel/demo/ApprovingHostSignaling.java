package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.HostSignaling;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.SessionDescription;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * Host signaling that asks before answering: when the host's answer is ready, both descriptions are known, so the
 * short authentication code is shown with the join request and {@link JoinPrompt} decides. A refused client is
 * told so through signaling. Also remembers why signaling ended, so the host can tell "no more clients can come"
 * from "one join failed". Thread-safe.
 *
 * <p>Interim: once {@code HostOptions.Builder.approver(...)} lands in the library, the prompt moves there and this
 * class keeps only the end-of-signaling bookkeeping.
 */
final class ApprovingHostSignaling implements HostSignaling {
  /** The name and code of the join whose answer is about to go out (or was refused). */
  interface Decisions {
    void decided(String clientName, String code, boolean approved);
  }

  private final HostSignaling delegate;
  private final JoinPrompt prompt;
  private final Decisions decisions;
  private volatile @Nullable String endReason;

  ApprovingHostSignaling(HostSignaling delegate, JoinPrompt prompt, Decisions decisions) {
    this.delegate = delegate;
    this.prompt = prompt;
    this.decisions = decisions;
  }

  /** Why signaling stopped delivering join requests, or null while it still can. */
  @Nullable String endReason() {
    return endReason;
  }

  @Override
  public CompletableFuture<JoinRequest> nextJoin() {
    CompletableFuture<JoinRequest> next = delegate.nextJoin();
    CompletableFuture<JoinRequest> wrapped = next.handle((request, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (!(cause instanceof CancellationException)) {
          endReason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        }
        throw error instanceof CompletionException c ? c : new CompletionException(cause);
      }
      return (JoinRequest) new Approving(request);
    });
    // Cancelling what the tunnel waits on must stop the wait on the delegate too.
    wrapped.whenComplete((request, error) -> {
      if (wrapped.isCancelled()) {
        next.cancel(true);
      }
    });
    return wrapped;
  }

  @Override
  public void close() {
    delegate.close();
  }

  private final class Approving implements JoinRequest {
    private final JoinRequest request;

    Approving(JoinRequest request) {
      this.request = request;
    }

    @Override
    public String clientName() {
      return request.clientName();
    }

    @Override
    public SessionDescription offer() {
      return request.offer();
    }

    @Override
    public CompletableFuture<Void> accept(SessionDescription answer) {
      String code = ShortAuthCode.of(request.offer(), answer);
      CompletableFuture<Void> done = new CompletableFuture<>();
      // The prompt may wait for a person: on a thread of its own, so that closing the tunnel is never held up.
      Thread asker = new Thread(() -> {
        try {
          boolean approved = prompt.approve(request.clientName(), code);
          decisions.decided(request.clientName(), code, approved);
          if (done.isDone()) {
            return;
          }
          if (approved) {
            request.accept(answer).whenComplete((v, e) -> complete(done, e));
          } else {
            request.reject("the host refused the join request");
            done.completeExceptionally(new JoinRejectedException("join request refused by you"));
          }
        } catch (InterruptedException e) {
          done.cancel(false);
        } catch (Throwable t) {
          done.completeExceptionally(t);
        }
      }, "p2p-tunnel-approval");
      asker.setDaemon(true);
      asker.start();
      done.whenComplete((v, e) -> {
        if (done.isCancelled()) {
          asker.interrupt();
        }
      });
      return done;
    }

    @Override
    public CompletableFuture<Void> reject(String reason) {
      return request.reject(reason);
    }
  }

  private static void complete(CompletableFuture<Void> done, @Nullable Throwable error) {
    if (error == null) {
      done.complete(null);
    } else {
      done.completeExceptionally(error);
    }
  }
}

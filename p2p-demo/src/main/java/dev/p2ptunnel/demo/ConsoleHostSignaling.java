package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.HostSignaling;
import dev.p2ptunnel.webrtc.InvalidTokenException;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.OfflineToken;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Offline signaling, host side: the person pastes a client's offer token on standard input; the answer token is
 * printed for them to send back. Each pasted offer is one {@link JoinRequest}; a line that is not a valid offer
 * token is reported and the next line is read. Thread-safe.
 */
final class ConsoleHostSignaling implements HostSignaling {
  private final ConsoleInput input;
  private final Console console;
  private final AtomicInteger joins = new AtomicInteger();
  private volatile boolean closed;

  ConsoleHostSignaling(ConsoleInput input, Console console) {
    this.input = input;
    this.console = console;
  }

  @Override
  public CompletableFuture<JoinRequest> nextJoin() {
    if (closed) {
      return CompletableFuture.failedFuture(new WebRtcException("offline signaling closed"));
    }
    console.info("Paste the client's offer token (one line starting with " + OfflineToken.PREFIX
        + ") and press Enter:");
    CompletableFuture<JoinRequest> join = new CompletableFuture<>();
    readOffer(join);
    return join;
  }

  private void readOffer(CompletableFuture<JoinRequest> join) {
    CompletableFuture<String> line = input.nextLine();
    join.whenComplete((request, error) -> line.cancel(false));
    line.whenComplete((text, error) -> {
      if (error != null) {
        join.completeExceptionally(error);
        return;
      }
      if (text.isBlank() || join.isDone()) {
        if (!join.isDone()) {
          readOffer(join);
        }
        return;
      }
      try {
        SessionDescription offer = OfflineToken.decode(text);
        if (offer.type() != SessionDescription.Type.OFFER) {
          throw new InvalidTokenException("this is an answer token; paste the offer token the client printed");
        }
        join.complete(new PastedOffer("offline client #" + joins.incrementAndGet(), offer));
      } catch (InvalidTokenException e) {
        console.error("not an offer token: " + e.getMessage() + "; paste it again");
        readOffer(join);
      }
    });
  }

  @Override
  public void close() {
    closed = true;
  }

  private final class PastedOffer implements JoinRequest {
    private final String name;
    private final SessionDescription offer;

    PastedOffer(String name, SessionDescription offer) {
      this.name = name;
      this.offer = offer;
    }

    @Override
    public String clientName() {
      return name;
    }

    @Override
    public SessionDescription offer() {
      return offer;
    }

    @Override
    public CompletableFuture<Void> accept(SessionDescription answer) {
      console.info("Send this answer token to the client; they paste it into their p2p-tunnel:");
      console.result(OfflineToken.encode(answer));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> reject(String reason) {
      // Nobody to tell: the client simply never receives an answer token.
      console.info("No answer token for " + name + " (" + reason + ").");
      return CompletableFuture.completedFuture(null);
    }
  }
}

package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.ClientName;
import dev.p2ptunnel.webrtc.HostSignaling;
import dev.p2ptunnel.webrtc.InvalidTokenException;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.OfflineToken;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Offline signaling, host side: the person pastes a client's offer token on standard input; the answer token is
 * printed at once for them to send back (handing it to one person is the host's deliberate act), and the code is
 * compared over the open channel before any byte of the service flows. Each pasted offer is one {@link JoinRequest};
 * a line that is not a valid offer token is reported and the next line is read. Thread-safe.
 */
final class ConsoleHostSignaling implements HostSignaling {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
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
        OfflineToken.Contents token = OfflineToken.read(text);
        if (token.description().type() != SessionDescription.Type.OFFER) {
          throw new InvalidTokenException("this is an answer token; paste the offer token the client printed");
        }
        int number = joins.incrementAndGet();
        String name = token.name() != null && ClientName.problem(token.name()) == null ? token.name()
            : "offline client #" + number;
        join.complete(new PastedOffer(new JoinOffer(name, token.description(), token.commitment())));
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
    private final JoinOffer offer;

    PastedOffer(JoinOffer offer) {
      this.offer = offer;
    }

    @Override
    public JoinOffer offer() {
      return offer;
    }

    @Override
    public boolean twoStage() {
      return false;
    }

    @Override
    public Duration answerTransit() {
      return OfflineToken.LIFETIME;
    }

    @Override
    public CompletableFuture<JoinReveal> challenge(JoinChallenge challenge) {
      throw new UnsupportedOperationException("offline tokens carry no challenge");
    }

    @Override
    public CompletableFuture<Void> accept(JoinAnswer answer) {
      console.info("Send this answer token to " + offer.clientName() + "; they paste it into their p2p-tunnel:");
      console.result(OfflineToken.encode(answer));
      String until = CLOCK.format(LocalTime.now().plus(OfflineToken.LIFETIME));
      console.info("Waiting for " + offer.clientName() + " to paste it (the token is good until " + until + ")"
          + (offer.paired() ? "; then both sides show a code to compare before anything is shared." : "."));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> reject(String reason) {
      // Nobody to tell: the client simply never receives an answer token.
      console.info("No answer token for " + offer.clientName() + " (" + reason + ").");
      return CompletableFuture.completedFuture(null);
    }
  }
}

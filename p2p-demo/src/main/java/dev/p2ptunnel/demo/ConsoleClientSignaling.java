package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.HostReply;
import dev.p2ptunnel.webrtc.InvalidTokenException;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.OfflineToken;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.Signaling;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Offline signaling, client side: prints the offer token (with the commitment to the code's nonce) for the person
 * to send to the host, then reads the host's answer token from standard input. A line that is not a valid answer
 * token is reported and the next line is read; an answer pasted after {@link OfflineToken#LIFETIME} is refused as
 * expired. Thread-safe.
 */
final class ConsoleClientSignaling implements Signaling {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  private final ConsoleInput input;
  private final Console console;
  private final LongSupplier nanoTime;

  ConsoleClientSignaling(ConsoleInput input, Console console) {
    this(input, console, System::nanoTime);
  }

  ConsoleClientSignaling(ConsoleInput input, Console console, LongSupplier nanoTime) {
    this.input = input;
    this.console = console;
    this.nanoTime = nanoTime;
  }

  /** Each join is one token exchange a person makes: never repeated without them. */
  @Override
  public boolean unattended() {
    return false;
  }

  @Override
  public ClientJoin join(JoinOffer offer) {
    console.info("Send this offer token to the host; they paste it into their p2p-tunnel:");
    console.result(OfflineToken.encode(offer));
    long printedNs = nanoTime.getAsLong();
    console.info("Then paste the host's answer token (one line starting with " + OfflineToken.PREFIX
        + ") and press Enter; the offer is good until " + CLOCK.format(LocalTime.now().plus(OfflineToken.LIFETIME))
        + ":");
    CompletableFuture<HostReply> answer = new CompletableFuture<>();
    readAnswer(answer, printedNs);
    return new ClientJoin() {
      @Override
      public CompletableFuture<HostReply> firstReply() {
        return answer;
      }

      @Override
      public CompletableFuture<JoinAnswer> reveal(JoinReveal reveal) {
        return CompletableFuture.failedFuture(new IllegalStateException("offline tokens carry no challenge"));
      }

      @Override
      public void withdraw(String reason) {
        answer.completeExceptionally(new WebRtcException("join withdrawn: " + reason));
      }
    };
  }

  private void readAnswer(CompletableFuture<HostReply> answer, long printedNs) {
    CompletableFuture<String> line = input.nextLine();
    answer.whenComplete((value, error) -> line.cancel(false));
    line.whenComplete((text, error) -> {
      if (answer.isDone()) {
        return;
      }
      if (error != null) {
        answer.completeExceptionally(error);
        return;
      }
      if (text.isBlank()) {
        readAnswer(answer, printedNs);
        return;
      }
      try {
        OfflineToken.Contents token = OfflineToken.read(text);
        if (token.description().type() != SessionDescription.Type.ANSWER) {
          throw new InvalidTokenException("this is an offer token; paste the answer token the host printed");
        }
        if (nanoTime.getAsLong() - printedNs > OfflineToken.LIFETIME.toNanos()) {
          answer.completeExceptionally(new WebRtcException("the answer token came after the offer expired (offer "
              + "tokens are good for " + OfflineToken.LIFETIME.toMinutes() + " min): start again, run the client "
              + "again and send the new offer token"));
          return;
        }
        answer.complete(new JoinAnswer(token.description(), token.nonce()));
      } catch (InvalidTokenException e) {
        console.error("not an answer token: " + e.getMessage() + "; paste it again");
        readAnswer(answer, printedNs);
      }
    });
  }
}

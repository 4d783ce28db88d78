package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.InvalidTokenException;
import dev.p2ptunnel.webrtc.OfflineToken;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.Signaling;
import java.util.concurrent.CompletableFuture;

/**
 * Offline signaling, client side: prints the offer token for the person to send to the host, then reads the host's
 * answer token from standard input. A line that is not a valid answer token is reported and the next line is read.
 * Thread-safe.
 */
final class ConsoleClientSignaling implements Signaling {
  private final ConsoleInput input;
  private final Console console;

  ConsoleClientSignaling(ConsoleInput input, Console console) {
    this.input = input;
    this.console = console;
  }

  @Override
  public CompletableFuture<SessionDescription> exchange(SessionDescription offer) {
    console.info("Send this offer token to the host; they paste it into their p2p-tunnel:");
    console.result(OfflineToken.encode(offer));
    console.info("Then paste the host's answer token (one line starting with " + OfflineToken.PREFIX
        + ") and press Enter:");
    CompletableFuture<SessionDescription> answer = new CompletableFuture<>();
    readAnswer(answer);
    return answer;
  }

  private void readAnswer(CompletableFuture<SessionDescription> answer) {
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
        readAnswer(answer);
        return;
      }
      try {
        SessionDescription description = OfflineToken.decode(text);
        if (description.type() != SessionDescription.Type.ANSWER) {
          throw new InvalidTokenException("this is an offer token; paste the answer token the host printed");
        }
        answer.complete(description);
      } catch (InvalidTokenException e) {
        console.error("not an answer token: " + e.getMessage() + "; paste it again");
        readAnswer(answer);
      }
    });
  }
}

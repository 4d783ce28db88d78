package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.JoinApprover;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Asks the person at the host whether a client may join: shows its name and short authentication code and reads
 * y/N from standard input. Anything but y/yes, and end of input, is no. Runs on the host tunnel's accept thread,
 * which closing the host interrupts. Thread-safe.
 */
final class ConsolePrompt implements JoinApprover {
  private final ConsoleInput input;
  private final Console console;

  ConsolePrompt(ConsoleInput input, Console console) {
    this.input = input;
    this.console = console;
  }

  @Override
  public boolean approve(String clientName, String shortAuthCode) throws InterruptedException {
    console.result("Join request from '" + clientName + "', short authentication code " + shortAuthCode);
    console.prompt("Allow only if the client shows the same code. Allow? [y/N] ");
    String answer;
    CompletableFuture<String> line = input.nextLine();
    try {
      answer = line.get();
    } catch (ExecutionException e) {
      console.result("");
      return false;
    } catch (InterruptedException e) {
      line.cancel(false); // the host is closing: leave the next line to whoever reads next
      throw e;
    }
    String word = answer.trim().toLowerCase(Locale.ROOT);
    return word.equals("y") || word.equals("yes");
  }
}

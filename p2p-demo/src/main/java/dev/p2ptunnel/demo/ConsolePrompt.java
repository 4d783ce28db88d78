package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.JoinApprover;
import dev.p2ptunnel.webrtc.JoinDecision;
import dev.p2ptunnel.webrtc.PendingJoin;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Asks the person at the host whether a client may join, one join at a time, in arrival order: shows its name, its
 * address and the short authentication code and reads {@code y} (yes), {@code a} (always: trust this client) or
 * anything else (no) from standard input. A join that ends while it waits (the client withdrew, the approve timeout
 * passed) is dropped from the queue, or its shown prompt is closed with the reason. The host tunnel bounds how many
 * joins can wait. Thread-safe: the queue is guarded by this object.
 */
final class ConsolePrompt implements JoinApprover {
  private final ConsoleInput input;
  private final Console console;
  private final ArrayDeque<Ask> queue = new ArrayDeque<>();
  private @Nullable Ask shown;

  private record Ask(PendingJoin join, CompletableFuture<JoinDecision> decision) {}

  ConsolePrompt(ConsoleInput input, Console console) {
    this.input = input;
    this.console = console;
  }

  @Override
  public CompletableFuture<JoinDecision> decide(PendingJoin join) {
    Ask ask = new Ask(join, new CompletableFuture<>());
    join.cancelled().thenAccept(reason -> cancelled(ask, reason));
    synchronized (this) {
      queue.add(ask);
      showNext();
    }
    return ask.decision();
  }

  /** Shows the next prompt unless one is shown. Under the lock. */
  private void showNext() {
    while (shown == null) {
      Ask next = queue.poll();
      if (next == null) {
        return;
      }
      if (next.decision().isDone()) {
        continue;
      }
      shown = next;
      show(next);
    }
  }

  private void show(Ask ask) {
    // Ask for the answer line before the prompt appears: a person (or a script) who answers as soon as the join
    // request shows must reach this prompt, not the offline host's reader of the next offer token.
    CompletableFuture<String> answer = input.nextAnswer();
    PendingJoin join = ask.join();
    String from = "'" + join.clientName() + "'" + (join.clientAddress() == null ? "" : " at " + join.clientAddress());
    String code = join.shortAuthString();
    if (code == null) {
      console.result("Join request from " + from + ", no short authentication code (the client runs without "
          + "pairing, like the original app: nothing to compare)");
    } else {
      console.result("Join request from " + from + ", short authentication code " + code);
      console.info("Compare it with the code the client shows (read it out on a call).");
    }
    console.prompt("Allow? [y/N/a=always] ");
    read(ask, answer);
  }

  private void read(Ask ask, CompletableFuture<String> line) {
    ask.decision().whenComplete((d, e) -> line.cancel(false));
    line.whenComplete((text, error) -> {
      if (ask.decision().isDone()) {
        return;
      }
      if (error != null) {
        finish(ask, JoinDecision.refuse(JoinDecision.REFUSED)); // end of input: no one can say yes
        return;
      }
      String word = text.trim().toLowerCase(Locale.ROOT);
      if (word.startsWith("p2pt")) {
        input.giveBack(text); // a token pasted for the offline host, not an answer
        read(ask, input.nextAnswer());
        return;
      }
      JoinDecision decision = switch (word) {
        case "y", "yes" -> JoinDecision.approve();
        case "a", "always" -> JoinDecision.approveAndTrust();
        default -> JoinDecision.refuse(JoinDecision.REFUSED);
      };
      finish(ask, decision);
    });
  }

  private void finish(Ask ask, JoinDecision decision) {
    ask.decision().complete(decision);
    synchronized (this) {
      if (shown == ask) {
        shown = null;
      }
      showNext();
    }
  }

  private void cancelled(Ask ask, String reason) {
    if (!ask.decision().complete(JoinDecision.refuse(reason))) {
      return;
    }
    synchronized (this) {
      if (shown == ask) {
        console.result("(join request from '" + ask.join().clientName() + "' ended: " + reason + ")");
        shown = null;
        showNext();
      } else {
        queue.remove(ask);
      }
    }
  }
}

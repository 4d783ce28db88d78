package dev.p2ptunnel.demo.lab;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.ShortAuthString;
import dev.p2ptunnel.webrtc.signaling.HttpSignaling;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A flooder, run as its own JVM in a lab namespace (one address): {@code LabFlood URL SESSION N} sends N join
 * requests at once through the library's HTTP signaling, each with a commitment, and reveals whenever the host
 * challenges, so that each join that gets through goes as far as a prompt. Prints {@code flood_outcome KIND=COUNT}
 * lines once every join has an outcome or waits for a person ({@code waiting}), then {@code flood done}.
 */
public final class LabFlood {
  private LabFlood() {}

  public static void main(String[] args) throws Exception {
    HttpSignaling signaling = new HttpSignaling(URI.create(args[0]), args[1]);
    int n = Integer.parseInt(args[2]);
    SecureRandom random = new SecureRandom();
    List<CompletableFuture<String>> outcomes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] nonce = ShortAuthString.newNonce();
      byte[] cert = new byte[32];
      random.nextBytes(cert);
      SessionDescription offer = new SessionDescription(SessionDescription.Type.OFFER, "v=0\r\no=- " + i
          + " 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 "
          + HexFormat.ofDelimiter(":").withUpperCase().formatHex(cert) + "\r\n");
      ClientJoin join = signaling.join(new JoinOffer("flood-" + i, offer, ShortAuthString.commitment(nonce)));
      outcomes.add(join.firstReply()
          .thenCompose(reply -> reply instanceof JoinChallenge
              ? join.reveal(new JoinReveal(nonce, null, null)).thenApply(answer -> "approved")
              : CompletableFuture.completedFuture("answered"))
          .handle((result, error) -> result != null ? result : kind(error)));
    }
    CompletableFuture.allOf(outcomes.toArray(new CompletableFuture<?>[0])).completeOnTimeout(null, 20,
        TimeUnit.SECONDS).join();
    Map<String, Integer> counts = new TreeMap<>();
    for (CompletableFuture<String> outcome : outcomes) {
      counts.merge(outcome.getNow("waiting"), 1, Integer::sum);
    }
    counts.forEach((kind, count) -> System.out.println("flood_outcome " + kind + "=" + count));
    System.out.println("flood done");
    System.exit(0);
  }

  private static String kind(Throwable error) {
    Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message = String.valueOf(t.getMessage());
    if (message.contains("(HTTP 429 ")) {
      return "server_429_" + message.substring(message.indexOf("(HTTP 429 ") + 10, message.length() - 1);
    }
    if (t instanceof JoinRejectedException) {
      return "host_refused:" + message.replace(' ', '_');
    }
    return "error:" + message.replace(' ', '_');
  }
}

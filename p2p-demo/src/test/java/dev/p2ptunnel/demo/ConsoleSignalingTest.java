package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.HostReply;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinDecision;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.PendingJoin;
import dev.p2ptunnel.webrtc.OfflineToken;
import dev.p2ptunnel.webrtc.SessionDescription;
import java.io.EOFException;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Offline signaling over in-memory standard streams: tokens out, pasted tokens in, bad pastes reported. */
@Timeout(10)
class ConsoleSignalingTest {
  private static final SessionDescription OFFER =
      new SessionDescription(SessionDescription.Type.OFFER, "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\na=fingerprint:sha-256 AA\r\n");
  private static final SessionDescription ANSWER =
      new SessionDescription(SessionDescription.Type.ANSWER, "v=0\r\no=- 3 4 IN IP4 0.0.0.0\r\na=fingerprint:sha-256 BB\r\n");

  private final PipedOutputStream typing = new PipedOutputStream();
  private final Streams streams;
  private final Console console;
  private final ConsoleInput input;

  ConsoleSignalingTest() throws IOException {
    streams = new Streams(new PipedInputStream(typing, 65_536));
    console = new Console(streams.env.out(), streams.env.err(), false, false, false);
    input = new ConsoleInput(streams.env.in());
  }

  private void type(String line) throws IOException {
    typing.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    typing.flush();
  }

  @Test
  void shouldTurnAPastedOfferIntoAJoinRequestAndPrintTheAnswerToken() throws Exception {
    ConsoleHostSignaling signaling = new ConsoleHostSignaling(input, console);
    CompletableFuture<JoinRequest> join = signaling.nextJoin();
    type("");
    type("  " + OfflineToken.encode(OFFER) + "  ");
    JoinRequest request = join.get(5, TimeUnit.SECONDS);
    assertEquals(OFFER, request.offer().offer());
    assertEquals("offline client #1", request.offer().clientName(), "a token without a name");
    assertFalse(request.offer().paired(), "a token without a commitment: an original client");
    assertFalse(request.twoStage());
    assertEquals(OfflineToken.LIFETIME, request.answerTransit(), "the host waits as long as the token is good");
    byte[] nonce = new byte[32];
    nonce[5] = 9;
    request.accept(new JoinAnswer(ANSWER, nonce)).get();
    String[] lines = streams.out().split("\n");
    assertEquals("Paste the client's offer token (one line starting with p2pt1.) and press Enter:", lines[0]);
    assertEquals("Send this answer token to offline client #1; they paste it into their p2p-tunnel:", lines[1]);
    OfflineToken.Contents answer = OfflineToken.read(lines[2]);
    assertEquals(ANSWER, answer.description(), "the SDP comes back without our attribute");
    assertArrayEquals(nonce, answer.nonce());
    assertTrue(lines[3].startsWith("Waiting for offline client #1 to paste it (the token is good until "), lines[3]);
    assertEquals("", streams.err());
  }

  @Test
  void shouldReportABadPasteAndReadTheNextLine() throws Exception {
    ConsoleHostSignaling signaling = new ConsoleHostSignaling(input, console);
    CompletableFuture<JoinRequest> join = signaling.nextJoin();
    type("hello");
    type(OfflineToken.encode(ANSWER));
    type(OfflineToken.encode(OFFER));
    assertEquals(OFFER, join.get(5, TimeUnit.SECONDS).offer().offer());
    assertEquals("p2p-tunnel: not an offer token: not a p2p-tunnel token: it does not start with p2pt1.; paste it "
        + "again\n"
        + "p2p-tunnel: not an offer token: this is an answer token; paste the offer token the client printed; "
        + "paste it again\n", streams.err());
  }

  @Test
  void shouldEndHostSignalingWhenInputEnds() throws Exception {
    ConsoleHostSignaling signaling = new ConsoleHostSignaling(input, console);
    CompletableFuture<JoinRequest> join = signaling.nextJoin();
    typing.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> join.get(5, TimeUnit.SECONDS));
    assertInstanceOf(EOFException.class, e.getCause());
    assertEquals("standard input closed", e.getCause().getMessage());
  }

  @Test
  void shouldNotConsumeALineForACancelledJoin() throws Exception {
    ConsoleHostSignaling signaling = new ConsoleHostSignaling(input, console);
    signaling.nextJoin().cancel(true);
    CompletableFuture<JoinRequest> second = signaling.nextJoin();
    type(OfflineToken.encode(OFFER));
    assertEquals(OFFER, second.get(5, TimeUnit.SECONDS).offer().offer());
  }

  @Test
  void shouldCarryNameAndCommitmentInTheOfferTokenAndCompleteWithThePastedAnswer() throws Exception {
    ConsoleClientSignaling signaling = new ConsoleClientSignaling(input, console);
    byte[] commitment = new byte[32];
    commitment[0] = 1;
    CompletableFuture<HostReply> answer = signaling.join(new JoinOffer("alice", OFFER, commitment)).firstReply();
    assertFalse(answer.isDone());
    type(OfflineToken.encode(OFFER));
    type(OfflineToken.encode(ANSWER));
    JoinAnswer received = (JoinAnswer) answer.get(5, TimeUnit.SECONDS);
    assertEquals(ANSWER, received.answer());
    String[] lines = streams.out().split("\n");
    assertEquals("Send this offer token to the host; they paste it into their p2p-tunnel:", lines[0]);
    OfflineToken.Contents offer = OfflineToken.read(lines[1]);
    assertEquals(OFFER, offer.description());
    assertEquals("alice", offer.name());
    assertArrayEquals(commitment, offer.commitment());
    assertTrue(lines[2].startsWith("Then paste the host's answer token (one line starting with p2pt1.) and press "
        + "Enter; the offer is good until "), lines[2]);
    assertEquals("p2p-tunnel: not an answer token: this is an offer token; paste the answer token the host "
        + "printed; paste it again\n", streams.err());
  }

  @Test
  void shouldRefuseAnAnswerPastedAfterTheOfferExpired() throws Exception {
    long[] now = {0};
    ConsoleClientSignaling signaling = new ConsoleClientSignaling(input, console, () -> now[0]);
    CompletableFuture<HostReply> answer = signaling.join(new JoinOffer("bob", OFFER, null)).firstReply();
    now[0] = OfflineToken.LIFETIME.plusSeconds(1).toNanos();
    type(OfflineToken.encode(ANSWER));
    ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(5, TimeUnit.SECONDS));
    assertEquals("the answer token came after the offer expired (offer tokens are good for 10 min): start again, "
        + "run the client again and send the new offer token", e.getCause().getMessage());
  }

  /** A pending join the test controls. */
  private static final class Pending implements PendingJoin {
    final String name;
    final CompletableFuture<String> cancelled = new CompletableFuture<>();

    Pending(String name) {
      this.name = name;
    }

    @Override
    public String clientName() {
      return name;
    }

    @Override
    public String clientAddress() {
      return "203.0.113.20";
    }

    @Override
    public String shortAuthString() {
      return "123 456";
    }

    @Override
    public String clientFingerprint() {
      return "sha-256 AA";
    }

    @Override
    public CompletableFuture<String> cancelled() {
      return cancelled;
    }
  }

  @Test
  void shouldAskOneJoinAtATimeInOrderAndUnderstandYesAlwaysAndNo() throws Exception {
    ConsolePrompt prompt = new ConsolePrompt(input, console);
    Pending alice = new Pending("alice");
    Pending bob = new Pending("bob");
    Pending carol = new Pending("carol");
    CompletableFuture<JoinDecision> a = prompt.decide(alice);
    CompletableFuture<JoinDecision> b = prompt.decide(bob);
    CompletableFuture<JoinDecision> c = prompt.decide(carol);
    assertEquals(1, count(streams.out(), "Allow? [y/N/a=always] "), "one prompt at a time");
    type("y");
    assertEquals(JoinDecision.approve(), a.get(5, TimeUnit.SECONDS));
    // alice's answer shows bob's prompt on the input thread: the timeout under test ends a shown prompt.
    awaitOutput("Join request from 'bob'");
    bob.cancelled.complete("the host did not decide within 5 min");
    type("a");
    assertEquals(JoinDecision.approveAndTrust(), c.get(5, TimeUnit.SECONDS));
    assertFalse(b.get(5, TimeUnit.SECONDS).approved());
    String out = streams.out();
    assertTrue(out.contains("Join request from 'alice' at 203.0.113.20, short authentication code 123 456\n"),
        out);
    assertTrue(out.contains("(join request from 'bob' ended: the host did not decide within 5 min)"), out);
    assertEquals(3, count(out, "Allow? [y/N/a=always] "), out);
    CompletableFuture<JoinDecision> d = prompt.decide(new Pending("dave"));
    type("");
    assertEquals(JoinDecision.refuse(JoinDecision.REFUSED), d.get(5, TimeUnit.SECONDS), "Enter alone is no");
    CompletableFuture<JoinDecision> e = prompt.decide(new Pending("eve"));
    typing.close();
    assertFalse(e.get(5, TimeUnit.SECONDS).approved(), "end of input is no");
  }

  @Test
  void shouldGiveAnAnswerTypedAsSoonAsTheJoinRequestShowsToThePromptNotToTheOfflineTokenReader() throws Exception {
    // The offline host reads the next offer token while a join waits for its decision. A person who answers the
    // moment "Join request from" appears (before "Allow?") once had the answer taken for a bad token, and the join
    // then waited for a decision until its timeout (seen in OfflineTunnelIT).
    CompletableFuture<String> nextToken = input.nextLine();
    java.io.OutputStream answering = new java.io.OutputStream() {
      private final StringBuilder line = new StringBuilder();

      @Override
      public void write(int b) throws IOException {
        line.append((char) b);
        if (b == '\n' && line.toString().startsWith("Join request from")) {
          long before = input.delivered();
          type("n");
          try {
            while (input.delivered() == before) { // the reader thread has the line before the prompt goes on
              TimeUnit.MILLISECONDS.sleep(1);
            }
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        if (b == '\n') {
          line.setLength(0);
        }
      }
    };
    Console typingAtOnce = new Console(new java.io.PrintStream(answering, true, StandardCharsets.UTF_8),
        streams.env.err(), false, false, false);
    ConsolePrompt prompt = new ConsolePrompt(input, typingAtOnce);
    CompletableFuture<JoinDecision> decision = prompt.decide(new Pending("mallory"));
    assertEquals(JoinDecision.refuse(JoinDecision.REFUSED), decision.get(5, TimeUnit.SECONDS));
    assertFalse(nextToken.isDone(), "the answer was taken for an offer token");
  }

  private void awaitOutput(String part) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!streams.out().contains(part)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + part + "' within 5 s in: " + streams.out());
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}

package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.JoinRequest;
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
    assertEquals(OFFER, request.offer());
    assertEquals("offline client #1", request.clientName());
    request.accept(ANSWER).get();
    String[] lines = streams.out().split("\n");
    assertEquals("Paste the client's offer token (one line starting with p2pt1.) and press Enter:", lines[0]);
    assertEquals("Send this answer token to the client; they paste it into their p2p-tunnel:", lines[1]);
    assertEquals(ANSWER, OfflineToken.decode(lines[2]));
    assertEquals("", streams.err());
  }

  @Test
  void shouldReportABadPasteAndReadTheNextLine() throws Exception {
    ConsoleHostSignaling signaling = new ConsoleHostSignaling(input, console);
    CompletableFuture<JoinRequest> join = signaling.nextJoin();
    type("hello");
    type(OfflineToken.encode(ANSWER));
    type(OfflineToken.encode(OFFER));
    assertEquals(OFFER, join.get(5, TimeUnit.SECONDS).offer());
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
    assertEquals(OFFER, second.get(5, TimeUnit.SECONDS).offer());
  }

  @Test
  void shouldPrintTheOfferTokenAndCompleteWithThePastedAnswer() throws Exception {
    ConsoleClientSignaling signaling = new ConsoleClientSignaling(input, console);
    CompletableFuture<SessionDescription> answer = signaling.exchange(OFFER);
    assertFalse(answer.isDone());
    type(OfflineToken.encode(OFFER));
    type(OfflineToken.encode(ANSWER));
    assertEquals(ANSWER, answer.get(5, TimeUnit.SECONDS));
    String[] lines = streams.out().split("\n");
    assertEquals("Send this offer token to the host; they paste it into their p2p-tunnel:", lines[0]);
    assertEquals(OFFER, OfflineToken.decode(lines[1]));
    assertEquals("Then paste the host's answer token (one line starting with p2pt1.) and press Enter:", lines[2]);
    assertEquals("p2p-tunnel: not an answer token: this is an offer token; paste the answer token the host "
        + "printed; paste it again\n", streams.err());
  }

  @Test
  void shouldApproveOnlyOnYes() throws Exception {
    ConsolePrompt prompt = new ConsolePrompt(input, console);
    type("yes");
    assertTrue(prompt.approve("alice", "123 456"));
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> prompt.approve("eve", "000 000"), "closing the host");
    type("n");
    assertFalse(prompt.approve("bob", "654 321"), "the interrupted prompt left its line to the next one");
    type("");
    assertFalse(prompt.approve("carol", "111 111"), "Enter alone is no");
    typing.close();
    assertFalse(prompt.approve("dave", "222 222"), "end of input is no");
    assertTrue(streams.out().contains("Join request from 'alice', short authentication code 123 456\n"
        + "Allow only if the client shows the same code. Allow? [y/N] "), streams.out());
  }
}

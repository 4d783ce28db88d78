package dev.p2ptunnel.rendezvous.internal;

import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.security.InvalidKeyException;
import java.time.Duration;

/**
 * One join's way to the host's answer: hello (repeated every 2 s) until the host welcomes it, then the offer and, after
 * a challenge, the reveal, each repeated with growing pauses until the host replies (the host repeats its latest
 * message for each repeat, so a message lost while a broker reconnected costs one pause), and the silence deadline
 * that every reply restarts. After the answer the join's ICE restarts take the same keys ({@link ClientRestarts}).
 * {@link ClientEngine} keeps the joins, the brokers and the end of each join. Everything runs on the loop thread of
 * {@link ClientEngine}; not thread-safe.
 */
final class ClientHandshake {
  static final long HELLO_REPEAT_MS = 2_000;
  static final long FIRST_REPEAT_MS = 2_000;
  static final long MAX_REPEAT_MS = 15_000;
  /** The host repeats its latest message for every repeat of ours: this long without anything means it is gone. */
  static final Duration SILENCE = Duration.ofSeconds(60);

  private final ClientEngine engine;

  ClientHandshake(ClientEngine engine) {
    this.engine = engine;
  }

  /** Says hello (again every 2 s) until the host welcomes the join; gives up after the find timeout. */
  void lookForHost(ClientJoinState join) {
    join.cancelTimers();
    repeat(join, HELLO_REPEAT_MS);
    join.deadline = engine.schedule(() -> engine.fail(join, new WebRtcException("no host answered Session ID " + engine.sessionId
        + " within " + engine.settings.findTimeout().toSeconds() + " s through " + String.join(", ", engine.connectedBrokers())
        + ": check the Session ID (a typo leads nowhere) and that the host is running with the same brokers")),
        engine.settings.findTimeout().toMillis());
  }

  /** Sends the join's current message now and again after {@code pauseMs}, doubling up to 15 s. */
  private void repeat(ClientJoinState join, long pauseMs) {
    if (join.repeatTimer != null) {
      join.repeatTimer.cancel(false);
    }
    join.repeatMs = pauseMs;
    sendRepeating(join);
    join.repeatTimer = engine.schedule(() -> {
      join.repeatTimer = null;
      if (join.state != ClientJoinState.State.DONE && join.state != ClientJoinState.State.CHALLENGED) {
        repeat(join, join.state == ClientJoinState.State.FINDING ? HELLO_REPEAT_MS
            : Math.min(MAX_REPEAT_MS, join.repeatMs * 2));
      }
    }, pauseMs);
  }

  /** Sends the join's current message (hello, offer or reveal) once, through every connected broker. */
  void sendRepeating(ClientJoinState join) {
    SessionSecrets s = engine.secrets;
    byte[] plaintext = join.repeating;
    if (s == null || plaintext == null) {
      return;
    }
    SessionSecrets.JoinKeys keys = join.keys;
    if (keys == null) {
      engine.send(s.toHostTopic(), s.sessionKey(Direction.CLIENT_TO_HOST), Envelope.KEY_SESSION, join.joinId, plaintext);
    } else {
      engine.send(s.toHostTopic(), keys.of(Direction.CLIENT_TO_HOST), Envelope.KEY_JOIN, join.joinId, plaintext);
    }
  }

  /** Restarts the silence deadline: the host answered something. */
  private void heard(ClientJoinState join) {
    if (join.deadline != null) {
      join.deadline.cancel(false);
    }
    join.deadline = engine.schedule(() -> engine.fail(join, new WebRtcException("the host stopped answering: nothing through "
        + String.join(", ", engine.connectedBrokers()) + " for " + SILENCE.toSeconds() + " s")), SILENCE.toMillis());
  }

  /** The host's message {@code body} for {@code join}, which is still in its engine's joins. */
  void received(ClientJoinState join, Body body) {
    switch (body.type()) {
      case WELCOME -> {
        if (join.state != ClientJoinState.State.FINDING) {
          return; // a repeat
        }
        SessionSecrets s = engine.secrets;
        assert s != null;
        byte[] hostPublic = body.bytes(0);
        try {
          join.keys = s.joinKeys(join.joinId, join.mine.publicKey(), hostPublic, X25519.agree(join.mine.privateKey(),
              hostPublic));
        } catch (InvalidKeyException e) {
          engine.discard("join " + join.id.substring(0, 8) + "…: a welcome with an unusable host key: " + e.getMessage());
          return;
        }
        join.state = ClientJoinState.State.OFFERING;
        byte[] commitment = join.offer.commitment();
        join.repeating = Body.encode(Body.Type.OFFER, join.offer.clientName(), join.offer.offer().sdp(),
            commitment);
        join.cancelTimers();
        repeat(join, FIRST_REPEAT_MS);
        heard(join);
      }
      case PENDING -> {
        if (join.state == ClientJoinState.State.OFFERING || join.state == ClientJoinState.State.REVEALING) {
          heard(join);
          join.repeatMs = MAX_REPEAT_MS; // the host has it: from now on repeat only to show that we are still here
        }
      }
      case CHALLENGE -> {
        if (join.state != ClientJoinState.State.OFFERING) {
          return;
        }
        JoinChallenge challenge;
        try {
          challenge = new JoinChallenge(body.text(0), body.bytes(1));
        } catch (IllegalArgumentException e) {
          engine.fail(join, new WebRtcException("the host's challenge is malformed: " + e.getMessage()));
          return;
        }
        join.state = ClientJoinState.State.CHALLENGED;
        join.cancelTimers(); // nothing to repeat until the reveal
        join.first.complete(challenge);
      }
      case ANSWER -> {
        if (join.state != ClientJoinState.State.OFFERING && join.state != ClientJoinState.State.REVEALING) {
          return;
        }
        JoinAnswer answer;
        try {
          answer = new JoinAnswer(new SessionDescription(SessionDescription.Type.ANSWER, body.text(0)),
              body.optional(1));
        } catch (IllegalArgumentException e) {
          engine.fail(join, new WebRtcException("the host's answer is malformed: " + e.getMessage()));
          return;
        }
        boolean firstStage = join.state == ClientJoinState.State.OFFERING;
        join.answered = true;
        engine.finish(join);
        if (firstStage) {
          join.first.complete(answer);
        } else {
          join.answer.complete(answer);
        }
      }
      case REFUSE -> engine.fail(join, new JoinRejectedException(body.text(0)));
      case RESTARTS -> join.hostRestarts = true; // comes right before the answer
      case GONE -> engine.fail(join, new WebRtcException(body.text(0)));
      default -> engine.discard("join " + join.id.substring(0, 8) + "…: unexpected " + body.type());
    }
  }

  /** {@link ClientJoinState#reveal}, on the loop: the reveal answers the host's challenge. */
  void reveal(ClientJoinState join, JoinReveal reveal) {
    if (join.state != ClientJoinState.State.CHALLENGED) {
      return;
    }
    join.state = ClientJoinState.State.REVEALING;
    join.repeating = Body.encode(Body.Type.REVEAL, reveal.clientNonce(), reveal.certificate(), reveal.proof());
    repeat(join, FIRST_REPEAT_MS);
    heard(join);
  }
}

package dev.p2ptunnel.webrtc;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The host's final reply to an approved join: its complete answer, with its ICE candidates. Where there was no
 * challenge (offline tokens), it carries the host's nonce so that the client can compute the code; the client then
 * reveals its nonce over the open channel before any byte of the service flows. Immutable.
 *
 * @param answer the complete answer
 * @param hostNonce the host's nonce when the join had no challenge and the client committed, else null
 */
public record JoinAnswer(SessionDescription answer, byte @Nullable [] hostNonce) implements HostReply {
  /** Validates and copies. */
  public JoinAnswer {
    Objects.requireNonNull(answer, "answer");
    if (answer.type() != SessionDescription.Type.ANSWER) {
      throw new IllegalArgumentException("answer: " + answer + " (expected: an ANSWER)");
    }
    if (hostNonce != null) {
      if (hostNonce.length != ShortAuthString.NONCE_BYTES) {
        throw new IllegalArgumentException("hostNonce: " + hostNonce.length + " bytes (expected: 32)");
      }
      hostNonce = hostNonce.clone();
    }
  }

  /** An answer without a nonce. */
  public static JoinAnswer of(SessionDescription answer) {
    return new JoinAnswer(answer, null);
  }

  @Override
  public byte @Nullable [] hostNonce() {
    return hostNonce == null ? null : hostNonce.clone();
  }
}

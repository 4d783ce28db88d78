package dev.p2ptunnel.signaling.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.p2ptunnel.signaling.api.JoinStatus;
import dev.p2ptunnel.signaling.api.JsonBodies;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The JSON bodies the server sends about joins (docs/SIGNALING.md), from either store. Stateless. */
final class Views {
  private Views() {}

  /** One event of the host's feed: {@code join}, {@code reveal} or {@code withdrawn}, with that type's fields. */
  record Event(long seq, String type, String joinId, @Nullable String clientName, @Nullable String clientAddress,
      @Nullable String offer, @Nullable String commitment, @Nullable String nonce, @Nullable String certificate,
      @Nullable String proof, @Nullable String reason, long restart) {

    static Event join(long seq, String joinId, String clientName, String clientAddress, String offer,
        @Nullable String commitment) {
      return new Event(seq, "join", joinId, clientName, clientAddress, offer, commitment, null, null, null, null, 0);
    }

    static Event reveal(long seq, String joinId, String nonce, @Nullable String certificate,
        @Nullable String proof) {
      return new Event(seq, "reveal", joinId, null, null, null, null, nonce, certificate, proof, null, 0);
    }

    static Event withdrawn(long seq, String joinId, String reason) {
      return new Event(seq, "withdrawn", joinId, null, null, null, null, null, null, null, reason, 0);
    }

    /** The client of an approved join sent ICE restart {@code restart} with this offer. */
    static Event restart(long seq, String joinId, long restart, String offer) {
      return new Event(seq, "restart", joinId, null, null, offer, null, null, null, null, null, restart);
    }
  }

  /**
   * A join as its client sees it; {@code restart} is the latest ICE restart's number (0: none), and
   * {@code restartAnswer} the host's answer to restart {@code restartAnswered}.
   */
  record Join(String joinId, JoinStatus status, @Nullable String challengeFingerprint,
      @Nullable String challengeNonce, @Nullable String result, @Nullable String hostNonce, long restart,
      long restartAnswered, @Nullable String restartAnswer) {}

  /** The host's feed: {@code {"events": [...]}}. */
  static Reply events(List<Event> events) {
    ObjectNode body = JsonBodies.object();
    ArrayNode array = body.putArray("events");
    for (Event event : events) {
      ObjectNode item = array.addObject().put("seq", event.seq()).put("joinId", event.joinId())
          .put("type", event.type());
      putIf(item, "clientName", event.clientName());
      putIf(item, "clientAddress", event.clientAddress());
      putIf(item, "offer", event.offer());
      putIf(item, "commitment", event.commitment());
      putIf(item, "nonce", event.nonce());
      putIf(item, "certificate", event.certificate());
      putIf(item, "proof", event.proof());
      putIf(item, "reason", event.reason());
      if (event.restart() > 0) {
        item.put("restart", event.restart());
      }
    }
    return Reply.of(200, body);
  }

  /** The client's view of its join (an expired join is an error, see {@link Errors#joinExpired}). */
  static Reply result(Join join) {
    ObjectNode body = JsonBodies.object().put("joinId", join.joinId()).put("status", join.status().wire());
    if (join.challengeFingerprint() != null && join.status().undecided()) {
      body.putObject("challenge").put("fingerprint", join.challengeFingerprint())
          .put("nonce", join.challengeNonce());
    }
    switch (join.status()) {
      case APPROVED -> {
        body.put("answer", join.result());
        putIf(body, "hostNonce", join.hostNonce());
      }
      case REJECTED, WITHDRAWN, LEFT -> body.put("reason", join.result());
      default -> {
        // nothing more
      }
    }
    if (join.status() == JoinStatus.APPROVED || join.status() == JoinStatus.LEFT) {
      if (join.restart() > 0) {
        body.put("restart", join.restart());
      }
      if (join.restartAnswer() != null) {
        body.putObject("restartAnswer").put("restart", join.restartAnswered()).put("answer", join.restartAnswer());
      }
    }
    return Reply.of(200, body);
  }

  /** {@code {"joinId", "status"}}: the answer to a host's or client's step. */
  static Reply status(String joinId, JoinStatus status) {
    return Reply.of(200, JsonBodies.object().put("joinId", joinId).put("status", status.wire()));
  }

  /** {@code {"joinId", "status", "restart": N}}: the answer to a restart offer or its answer. */
  static Reply restarted(int httpStatus, String joinId, JoinStatus status, long restart) {
    return Reply.of(httpStatus, JsonBodies.object().put("joinId", joinId).put("status", status.wire())
        .put("restart", restart));
  }

  private static void putIf(ObjectNode node, String field, @Nullable String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}

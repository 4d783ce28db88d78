package dev.p2ptunnel.webrtc.signaling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The JSON bodies the server sends about joins (docs/SIGNALING.md). Stateless. */
final class Views {
  private Views() {}

  /** The host's feed: {@code {"events": [...]}}. */
  static Reply events(List<Session.Event> events) {
    ObjectNode body = Json.object();
    ArrayNode array = body.putArray("events");
    for (Session.Event event : events) {
      Join join = event.join();
      ObjectNode item = array.addObject().put("seq", event.seq()).put("joinId", join.id);
      switch (event.type()) {
        case JOIN -> {
          item.put("type", "join").put("clientName", join.clientName).put("clientAddress", join.clientAddress)
              .put("offer", join.offer);
          putIf(item, "commitment", join.commitment);
        }
        case REVEAL -> {
          item.put("type", "reveal").put("nonce", join.revealNonce);
          putIf(item, "certificate", join.revealCertificate);
          putIf(item, "proof", join.revealProof);
        }
        case WITHDRAWN -> item.put("type", "withdrawn").put("reason", join.result);
      }
    }
    return Reply.of(200, body);
  }

  /** The client's view of its join. */
  static Reply result(Join join) {
    ObjectNode body = Json.object().put("joinId", join.id).put("status", Ids.lower(join.state.name()));
    if (join.challengeFingerprint != null && join.state.undecided()) {
      body.putObject("challenge").put("fingerprint", join.challengeFingerprint).put("nonce", join.challengeNonce);
    }
    switch (join.state) {
      case APPROVED -> {
        body.put("answer", join.result);
        putIf(body, "hostNonce", join.hostNonce);
      }
      case REJECTED, WITHDRAWN, LEFT -> body.put("reason", join.result);
      default -> {
        // nothing more
      }
    }
    return Reply.of(200, body);
  }

  private static void putIf(ObjectNode node, String field, @Nullable String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}

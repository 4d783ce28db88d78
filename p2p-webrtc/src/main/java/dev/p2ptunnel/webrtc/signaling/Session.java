package dev.p2ptunnel.webrtc.signaling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One host's session: its secret, its join requests in arrival order, its parked polls. Owned by the state thread. */
final class Session {
  /** Decided or expired joins kept for their clients to read, beyond the slots in use. */
  static final int FINISHED_JOINS_KEPT = 32;
  /** Parked host polls per session (a host normally has one). */
  static final int MAX_HOST_POLLS = 4;
  /** Parked result polls per join request (a client normally has one). */
  static final int MAX_CLIENT_POLLS = 2;

  final String id;
  final String displayId;
  private final byte[] secret;
  final int maxClients;
  long lastHostNs;
  private long lastSeq;
  final Map<String, Join> joins = new LinkedHashMap<>();
  final List<Waiter> hostWaiters = new ArrayList<>(1);

  Session(String id, String secret, int maxClients, long nowNs) {
    this.id = id;
    this.displayId = Ids.display(id);
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.maxClients = maxClients;
    this.lastHostNs = nowNs;
  }

  /** Whether {@code offered} is this session's host secret (compared in constant time). */
  boolean isSecret(String offered) {
    return MessageDigest.isEqual(secret, offered.getBytes(StandardCharsets.UTF_8));
  }

  long nextSeq() {
    return ++lastSeq;
  }

  int slotsInUse() {
    int used = 0;
    for (Join join : joins.values()) {
      if (join.holdsSlot()) {
        used++;
      }
    }
    return used;
  }

  /** Pending join requests numbered above {@code after}, oldest first. */
  List<Join> pendingAfter(long after) {
    List<Join> pending = new ArrayList<>();
    for (Join join : joins.values()) {
      if (join.state == Join.State.PENDING && join.seq > after) {
        pending.add(join);
      }
    }
    return pending;
  }

  /** The oldest finished join, to make room; null if every join still holds a slot. */
  @Nullable Join oldestFinished() {
    for (Join join : joins.values()) {
      if (!join.holdsSlot()) {
        return join;
      }
    }
    return null;
  }

  /** Rejects {@code secret} unless it is this session's host secret. */
  void authorize(@Nullable String offered) {
    if (offered == null) {
      throw new ApiError(403, "forbidden", "this needs the session's host secret: send Authorization: Bearer "
          + "<hostSecret> (session " + displayId + ")");
    }
    if (!isSecret(offered)) {
      throw new ApiError(403, "forbidden", "wrong host secret for session " + displayId);
    }
  }
}

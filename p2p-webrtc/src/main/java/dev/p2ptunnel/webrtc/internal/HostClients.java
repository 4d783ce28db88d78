package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.webrtc.ClientConnection;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.TunnelHandle;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The clients of one host ({@link HostRuntime}), from their tunnel's start until it has closed: who holds a place,
 * who may be resumed by a rejoin of its identity, who gives its place up to a new client, and what they carry in
 * all. Thread-safe: the host's loop thread adds and removes; the API's callers read (a copy-on-write list).
 */
final class HostClients {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.host");

  private final List<HostClient> clients = new CopyOnWriteArrayList<>();

  void add(HostClient client) {
    clients.add(client);
  }

  void remove(HostClient client) {
    clients.remove(client);
  }

  boolean isEmpty() {
    return clients.isEmpty();
  }

  /** Every client, a snapshot. */
  List<HostClient> all() {
    return List.copyOf(clients);
  }

  /** The approved clients, as the API lists them. */
  List<ClientConnection> approved() {
    List<ClientConnection> approved = new ArrayList<>();
    for (HostClient client : clients) {
      if (client.approved) {
        approved.add(client);
      }
    }
    return approved;
  }

  /** The client of identity {@code fingerprint} whose bridge is still there, or null. */
  @Nullable HostClient resumable(String fingerprint) {
    for (HostClient client : clients) {
      TunnelHandle.State state = client.core.state();
      if (client.join.clientFingerprint.equals(fingerprint)
          && (state == TunnelHandle.State.OPEN || state == TunnelHandle.State.RECONNECTING)) {
        return client;
      }
    }
    return null;
  }

  /**
   * Clients connected or connecting, not counting those of identity {@code fingerprint} (a rejoin of it; null: count
   * all). Clients kept for their rejoin (RECONNECTING) do not count: their place goes to a new client that needs it
   * ({@link #makeRoom}).
   */
  int activeOtherThan(@Nullable String fingerprint) {
    int active = 0;
    for (HostClient client : clients) {
      TunnelHandle.State state = client.core.state();
      if (state != TunnelHandle.State.CLOSED && state != TunnelHandle.State.RECONNECTING
          && (fingerprint == null || !client.join.clientFingerprint.equals(fingerprint))) {
        active++;
      }
    }
    return active;
  }

  /**
   * A new client takes a place: while all {@code maxClients} places are taken, the client that has been away longest
   * gives its up (its connections close; it is told if it comes back).
   */
  void makeRoom(int maxClients) {
    while (true) {
      HostClient away = null;
      int taken = 0;
      for (HostClient client : clients) {
        TunnelHandle.State state = client.core.state();
        if (state == TunnelHandle.State.CLOSED) {
          continue;
        }
        taken++;
        Instant since = client.core.reconnectingSince();
        if (since != null && (away == null || since.isBefore(Objects.requireNonNull(
            away.core.reconnectingSince(), "since")))) {
          away = client;
        }
      }
      if (taken < maxClients || away == null) {
        return;
      }
      LOG.log(Level.INFO, "client {0} gives its place to a new client while it is away", away);
      clients.remove(away); // no longer counts; left() follows when its tunnel has closed
      away.core.closeAsync("another client took its place while it was away");
    }
  }

  /** The sum over connected clients, sockets of all of them listed; null before any client opened. */
  @Nullable BridgeStats stats() {
    List<BridgeStats> all = new ArrayList<>();
    for (HostClient client : clients) {
      BridgeStats one = client.stats();
      if (one != null) {
        all.add(one);
      }
    }
    if (all.isEmpty()) {
      return null;
    }
    long toPeer = 0;
    long fromPeer = 0;
    long messagesTo = 0;
    long messagesFrom = 0;
    int open = 0;
    long total = 0;
    int features = all.get(0).features();
    Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
    for (BridgeStats one : all) {
      toPeer += one.bytesToPeer();
      fromPeer += one.bytesFromPeer();
      messagesTo += one.messagesToPeer();
      messagesFrom += one.messagesFromPeer();
      open += one.openSockets();
      total += one.totalSockets();
      features &= one.features();
      one.errors().forEach((kind, count) -> errors.merge(kind, count, Long::sum));
    }
    return new BridgeStats(System.nanoTime(), toPeer, fromPeer, messagesTo, messagesFrom, open, total, features,
        errors);
  }

  /** The path of the first open client; fails when none is open. */
  CompletableFuture<PathType> path() {
    for (HostClient client : clients) {
      if (client.state() == TunnelHandle.State.OPEN) {
        return client.path();
      }
    }
    return CompletableFuture.failedFuture(new WebRtcException("no client is connected"));
  }
}

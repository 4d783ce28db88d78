package dev.p2ptunnel.demo;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.ClientConnection;
import dev.p2ptunnel.webrtc.HostListener;
import dev.p2ptunnel.webrtc.HostTunnel;
import dev.p2ptunnel.webrtc.PathType;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What the host shows: an event line per join, refusal, open and leave, and status counters summed over the
 * connected clients plus those that left (the host tunnel's own stats only cover connected clients). Thread-safe:
 * the host tunnel calls the listener from its threads, the status reporter reads from its own.
 */
final class HostEvents implements HostListener {
  private final Console console;
  private final int maxClients;
  private final java.time.Duration grace;
  private final Map<ClientConnection, Integer> numbers = new ConcurrentHashMap<>();
  private final Map<ClientConnection, PathType> paths = new ConcurrentHashMap<>();
  private final Map<String, Long> retiredErrors = new HashMap<>();
  private int joined;
  private long retiredUp;
  private long retiredDown;
  private long retiredSockets;

  HostEvents(Console console, int maxClients, java.time.Duration grace) {
    this.console = console;
    this.maxClients = maxClients;
    this.grace = grace;
  }

  @Override
  public void onClientJoined(ClientConnection client) {
    boolean rejoin;
    synchronized (this) {
      rejoin = numbers.containsKey(client); // a rejoin keeps its number: it is the same client
      if (!rejoin) {
        numbers.put(client, ++joined);
      }
    }
    console.event("approved " + describe(client) + (client.trusted() ? " (trusted identity, not asked)" : "")
        + (rejoin ? ", reconnecting it" : ", connecting"));
  }

  @Override
  public void onClientReconnecting(ClientConnection client, String reason) {
    console.event(describe(client) + " lost (" + reason + "); keeping its connections "
        + (grace.isZero() ? "" : "up to " + Hints.duration(grace) + " ") + "for it to come back");
  }

  @Override
  public void onClientReconnected(ClientConnection client) {
    console.event(describe(client) + " is back: its connections carry on");
  }

  @Override
  public void onClientRejected(String clientName, String reason) {
    console.event("refused '" + clientName + "': " + reason);
  }

  @Override
  public void onClientOpened(ClientConnection client) {
    client.path().whenComplete((path, error) -> {
      if (path != null) {
        paths.put(client, path);
      }
      console.event(describe(client) + " connected, path "
          + (path == null ? "unknown" : path.name().toLowerCase(Locale.ROOT)));
    });
  }

  @Override
  public void onClientLeft(ClientConnection client, String reason) {
    BridgeStats last = client.stats();
    synchronized (this) {
      if (last != null) {
        retiredUp += last.bytesToPeer();
        retiredDown += last.bytesFromPeer();
        retiredSockets += last.totalSockets();
        last.errors().forEach((kind, n) -> retiredErrors.merge(kind.name(), n, Long::sum));
      }
    }
    console.event(describe(client) + " left: " + reason);
    numbers.remove(client);
    paths.remove(client);
  }

  private String describe(ClientConnection client) {
    Integer number = numbers.get(client);
    String code = client.shortAuthString();
    return "client " + (number == null ? "" : "#" + number + " ") + "'" + client.clientName() + "' ("
        + (code == null ? "no code" : "code " + code) + ")";
  }

  /** The counters for the status line, from the tunnel's current clients and those that left. */
  StatusReporter.Counters counters(HostTunnel host) {
    return counters(host, null);
  }

  /**
   * The counters for the status line, from the tunnel's current clients and those that left, and since when the
   * signaling server is unreachable ({@code unreachableSince}: null while it is reachable, or there is none).
   */
  StatusReporter.Counters counters(HostTunnel host, java.time.@Nullable Instant unreachableSince) {
    List<ClientConnection> clients = host.clients();
    long up;
    long down;
    long total;
    Map<String, Long> errors;
    synchronized (this) {
      up = retiredUp;
      down = retiredDown;
      total = retiredSockets;
      errors = new HashMap<>(retiredErrors);
    }
    int open = 0;
    int flows = 0;
    int connected = 0;
    int reconnecting = 0;
    java.time.@Nullable Instant lostSince = null;
    @Nullable String path = null;
    for (ClientConnection client : clients) {
      BridgeStats stats = client.stats();
      if (stats == null) {
        continue;
      }
      connected++;
      java.time.Instant since = client.reconnectingSince();
      if (since != null) {
        reconnecting++;
        lostSince = lostSince == null || since.isBefore(lostSince) ? since : lostSince;
      }
      up += stats.bytesToPeer();
      down += stats.bytesFromPeer();
      total += stats.totalSockets();
      open += stats.openSockets();
      flows += client.flowStats().size();
      stats.errors().forEach((kind, n) -> errors.merge(kind.name(), n, Long::sum));
      PathType p = paths.get(client);
      if (p != null) {
        String name = p.name().toLowerCase(Locale.ROOT);
        path = path == null || path.equals(name) ? name : "mixed";
      }
    }
    boolean allLost = connected > 0 && reconnecting == connected;
    Long seconds = allLost && lostSince != null
        ? java.time.Duration.between(lostSince, java.time.Instant.now()).toSeconds() : null;
    Long unreachable = unreachableSince == null ? null
        : Math.max(0, java.time.Duration.between(unreachableSince, java.time.Instant.now()).toSeconds());
    return new StatusReporter.Counters("host", connected == 0 ? "WAITING" : allLost ? "RECONNECTING" : "OPEN", path,
        connected, maxClients, up, down, open, total, errors, seconds, flows, unreachable);
  }
}

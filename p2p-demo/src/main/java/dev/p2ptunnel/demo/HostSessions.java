package dev.p2ptunnel.demo;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.HostTunnel;
import dev.p2ptunnel.webrtc.PathType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The host's clients: one {@link HostTunnel} per client, plus one waiting for the next join request while fewer
 * than {@code maxClients} are connected. A client that leaves is reported and its place offered again; the host
 * ends (see {@link #finished()}) only when signaling can bring no more clients and none is connected, or when a
 * tunnel cannot even start. Thread-safe.
 *
 * <p>Interim: the library is gaining {@code maxClients} and {@code HostTunnel.clients()}; this class then shrinks to
 * reading those.
 */
final class HostSessions implements AutoCloseable {
  /** Why the host ends, and whether that is a failure. */
  record End(String reason, boolean failure) {}

  private static final class Client {
    final int number;
    final HostTunnel tunnel;
    final String name;
    final String code;
    volatile @Nullable PathType path;

    Client(int number, HostTunnel tunnel, String name, String code) {
      this.number = number;
      this.tunnel = tunnel;
      this.name = name;
      this.code = code;
    }
  }

  private final Supplier<HostTunnel> starter;
  private final ApprovingHostSignaling signaling;
  private final int maxClients;
  private final Console console;
  private final CompletableFuture<End> finished = new CompletableFuture<>();
  private final List<Client> clients = new ArrayList<>();
  private final Map<String, Long> retiredErrors = new HashMap<>();
  private @Nullable HostTunnel pending;
  private @Nullable String pendingName;
  private String pendingCode = "";
  private int joined;
  private long retiredUp;
  private long retiredDown;
  private long retiredSockets;
  private boolean closed;

  HostSessions(Supplier<HostTunnel> starter, ApprovingHostSignaling signaling, int maxClients, Console console) {
    this.starter = starter;
    this.signaling = signaling;
    this.maxClients = maxClients;
    this.console = console;
  }

  /** Starts waiting for the first client. */
  void start() {
    arm();
  }

  /** Completes when the host should end. */
  CompletableFuture<End> finished() {
    return finished;
  }

  /** Called by the signaling decorator when a join is decided: the name and code belong to the pending tunnel. */
  synchronized void decided(String clientName, String code, boolean approved) {
    pendingName = clientName;
    pendingCode = code;
    console.event((approved ? "approved" : "refused") + " '" + clientName + "' (code " + code + ")");
  }

  private synchronized void arm() {
    if (closed || pending != null || clients.size() >= maxClients || signaling.endReason() != null) {
      return;
    }
    pendingName = null;
    HostTunnel tunnel = starter.get();
    pending = tunnel;
    tunnel.opened().whenComplete((v, error) -> {
      if (error == null) {
        onOpened(tunnel);
      }
    });
    tunnel.closed().thenAccept(reason -> onClosed(tunnel, reason));
  }

  private void onOpened(HostTunnel tunnel) {
    Client client;
    synchronized (this) {
      if (pending != tunnel) {
        return;
      }
      pending = null;
      String name = pendingName == null ? "client" : pendingName;
      client = new Client(++joined, tunnel, name, pendingCode);
      clients.add(client);
    }
    tunnel.path().whenComplete((path, error) -> {
      client.path = path;
      console.event("client #" + client.number + " '" + client.name + "' connected, "
          + (path == null ? "path unknown" : path.name().toLowerCase(Locale.ROOT)) + " ("
          + countClients() + "/" + maxClients + " clients)");
    });
    arm();
  }

  private void onClosed(HostTunnel tunnel, String reason) {
    synchronized (this) {
      if (pending == tunnel) {
        pending = null;
        boolean joinArrived = pendingName != null;
        if (closed) {
          return;
        }
        String end = signaling.endReason();
        if (end == null && !joinArrived) {
          finished.complete(new End(Hints.explain("the host could not start", reason), true));
          return;
        }
        if (end == null && !reason.contains("refused")) {
          console.event("join of '" + pendingName + "' failed: " + reason);
        }
      } else {
        Client gone = null;
        for (Client c : clients) {
          if (c.tunnel == tunnel) {
            gone = c;
          }
        }
        if (gone == null) {
          return;
        }
        clients.remove(gone);
        retire(gone.tunnel.stats());
        if (!closed) {
          console.event("client #" + gone.number + " '" + gone.name + "' left: " + reason + " ("
              + clients.size() + "/" + maxClients + " clients)");
        }
      }
      if (closed) {
        return;
      }
      String end = signaling.endReason();
      if (end != null && clients.isEmpty() && pending == null) {
        boolean inputClosed = end.contains("standard input closed");
        finished.complete(new End("no more clients can join (" + end + ")", !inputClosed));
        return;
      }
    }
    arm();
  }

  private void retire(@Nullable BridgeStats stats) {
    if (stats != null) {
      retiredUp += stats.bytesToPeer();
      retiredDown += stats.bytesFromPeer();
      retiredSockets += stats.totalSockets();
      stats.errors().forEach((kind, n) -> retiredErrors.merge(kind, n, Long::sum));
    }
  }

  private synchronized int countClients() {
    return clients.size();
  }

  /** The counters of every client, summed, including those that left. */
  synchronized StatusReporter.Counters counters() {
    long up = retiredUp;
    long down = retiredDown;
    long total = retiredSockets;
    int open = 0;
    Map<String, Long> errors = new HashMap<>(retiredErrors);
    String path = null;
    for (Client c : clients) {
      BridgeStats stats = c.tunnel.stats();
      if (stats != null) {
        up += stats.bytesToPeer();
        down += stats.bytesFromPeer();
        total += stats.totalSockets();
        open += stats.openSockets();
        stats.errors().forEach((kind, n) -> errors.merge(kind, n, Long::sum));
      }
      PathType p = c.path;
      if (p != null) {
        String name = p.name().toLowerCase(Locale.ROOT);
        path = path == null || path.equals(name) ? name : "mixed";
      }
    }
    String state = clients.isEmpty() ? "WAITING" : "OPEN";
    return new StatusReporter.Counters("host", state, path, clients.size(), maxClients, up, down, open, total,
        errors);
  }

  /** Closes every client's tunnel and the waiting one, in parallel; returns once all are released. */
  @Override
  public void close() {
    List<HostTunnel> tunnels = new ArrayList<>();
    synchronized (this) {
      closed = true;
      if (pending != null) {
        tunnels.add(pending);
      }
      for (Client c : clients) {
        tunnels.add(c.tunnel);
      }
    }
    List<Thread> closers = new ArrayList<>();
    for (HostTunnel tunnel : tunnels) {
      Thread closer = new Thread(tunnel::close, "p2p-tunnel-close-host");
      closer.setDaemon(true);
      closer.start();
      closers.add(closer);
    }
    for (Thread closer : closers) {
      try {
        closer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}

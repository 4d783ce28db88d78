package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.HostBridge;
import dev.p2ptunnel.webrtc.ClientConnection;
import dev.p2ptunnel.webrtc.HostOptions;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.ShortAuthString;
import dev.p2ptunnel.webrtc.TunnelHandle;
import dev.p2ptunnel.webrtc.WebRtcException;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The host side: one accept thread takes join requests from signaling one at a time, answers each with a session of
 * its own, asks the approver (showing the short authentication string), and starts a {@link TunnelCore} per approved
 * client. Thread-safe.
 */
public final class HostRuntime implements TunnelLifecycle {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.host");

  private final HostOptions options;
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final Thread acceptThread;
  private volatile boolean closing;
  private volatile boolean everOpened;
  private volatile @Nullable CompletableFuture<JoinRequest> pendingJoin;

  public HostRuntime(HostOptions options) {
    this.options = options;
    this.acceptThread = new Thread(this::acceptLoop, "p2p-tunnel-host");
    acceptThread.setDaemon(true);
  }

  public void start() {
    acceptThread.start();
  }

  private void acceptLoop() {
    String reason = "signaling ended";
    try {
      while (!closing) {
        CompletableFuture<JoinRequest> next = options.signaling().nextJoin();
        pendingJoin = next;
        if (closing) {
          next.cancel(true);
          return;
        }
        JoinRequest request;
        try {
          request = next.get();
        } catch (CancellationException e) {
          return;
        } catch (ExecutionException e) {
          reason = "signaling ended: " + message(e.getCause());
          return;
        } finally {
          pendingJoin = null;
        }
        handle(request);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      reason = "host failed: " + message(e);
      LOG.log(Level.ERROR, reason, e);
    } finally {
      if (!closing) {
        close(reason);
      }
    }
  }

  private void handle(JoinRequest request) throws InterruptedException {
    String name = request.clientName();
    long open = clients.stream().filter(c -> c.core.state() != TunnelHandle.State.CLOSED).count();
    if (open >= options.maxClients()) {
      refuse(request, "the host takes no more clients (at most " + options.maxClients() + ")");
      return;
    }
    WebRtcSession session;
    try {
      session = WebRtcSession.answer(options.webRtc(), request.offer());
    } catch (RuntimeException e) {
      refuse(request, "the host could not use the offer: " + message(e));
      return;
    }
    boolean handedOver = false;
    try {
      SessionDescription answer = session.localDescription();
      String sas = ShortAuthString.of(request.offer(), answer);
      if (!options.approver().approve(name, sas)) {
        refuse(request, "rejected by the host");
        return;
      }
      if (closing) {
        refuse(request, "the host is closing");
        return;
      }
      request.accept(answer).get(options.webRtc().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
      TunnelCore core = new TunnelCore("p2p-tunnel-host-client", c -> session,
          channel -> HostBridge.start(channel, options.target(), options.bridge()), options.plugins(),
          options.webRtc().connectTimeout());
      core.shortAuthString(sas);
      Client client = new Client(name, sas, core);
      clients.add(client);
      handedOver = true;
      notify(() -> options.listener().onClientJoined(client));
      core.opened().thenRun(() -> {
        everOpened = true;
        opened.complete(null);
        notify(() -> options.listener().onClientOpened(client));
      });
      core.closed().thenAccept(why -> left(client, why));
      core.start();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      LOG.log(Level.DEBUG, "join of " + name + " failed", cause);
      refuse(request, "the host could not complete the join: " + message(cause));
    } finally {
      if (!handedOver) {
        session.close("join of " + name + " not completed");
      }
    }
  }

  private void refuse(JoinRequest request, String reason) {
    try {
      request.reject(reason);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "rejecting {0} failed: {1}", request.clientName(), e.toString());
    }
    notify(() -> options.listener().onClientRejected(request.clientName(), reason));
  }

  private void left(Client client, String reason) {
    clients.remove(client);
    notify(() -> options.listener().onClientLeft(client, reason));
    if (!options.stayOpen() && clients.isEmpty() && !closing) {
      close("client " + client.name + " left: " + reason);
    }
  }

  private static void notify(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "host listener threw; ignored", e);
    }
  }

  private static String message(@Nullable Throwable e) {
    if (e == null) {
      return "unknown error";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  // ------------------------------------------------------------------------------------------------ handle view

  @Override
  public TunnelHandle.State state() {
    if (closed.isDone()) {
      return TunnelHandle.State.CLOSED;
    }
    return everOpened ? TunnelHandle.State.OPEN : TunnelHandle.State.CONNECTING;
  }

  @Override
  public CompletableFuture<Void> opened() {
    return opened;
  }

  public List<ClientConnection> clients() {
    return List.copyOf(clients);
  }

  /** The sum over connected clients, sockets of all of them listed; null before any client opened. */
  @Override
  public @Nullable BridgeStats stats() {
    List<BridgeStats> all = new ArrayList<>();
    for (Client client : clients) {
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

  @Override
  public CompletableFuture<PathType> path() {
    for (Client client : clients) {
      if (client.state() == TunnelHandle.State.OPEN) {
        return client.path();
      }
    }
    return CompletableFuture.failedFuture(new WebRtcException("no client is connected"));
  }

  @Override
  public CompletableFuture<String> closed() {
    return closed;
  }

  /** Stops taking joins, disconnects every client, closes signaling; returns once released (bounded wait). */
  @Override
  public void close(String reason) {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    CompletableFuture<JoinRequest> pending = pendingJoin;
    if (pending != null) {
      pending.cancel(true);
    }
    try {
      options.signaling().close();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "closing signaling failed: {0}", e.toString());
    }
    for (Client client : clients) {
      client.core.close(reason);
    }
    if (Thread.currentThread() != acceptThread) {
      acceptThread.interrupt(); // an approver waiting on a person
      try {
        acceptThread.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    opened.completeExceptionally(new WebRtcException("host closed before a client connected: " + reason));
    closed.complete(reason);
  }

  /** One approved client. */
  private static final class Client implements ClientConnection {
    final String name;
    final String sas;
    final TunnelCore core;

    Client(String name, String sas, TunnelCore core) {
      this.name = name;
      this.sas = sas;
      this.core = core;
    }

    @Override
    public String clientName() {
      return name;
    }

    @Override
    public String shortAuthString() {
      return sas;
    }

    @Override
    public TunnelHandle.State state() {
      return core.state();
    }

    @Override
    public @Nullable BridgeStats stats() {
      return core.stats();
    }

    @Override
    public CompletableFuture<PathType> path() {
      return core.path();
    }

    @Override
    public CompletableFuture<String> closed() {
      return core.closed().copy();
    }

    @Override
    public void close() {
      core.close("disconnected by the host");
    }

    @Override
    public String toString() {
      return name + " (" + sas + ")";
    }
  }
}

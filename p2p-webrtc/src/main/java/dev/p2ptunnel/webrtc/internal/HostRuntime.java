package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.HostBridge;
import dev.p2ptunnel.webrtc.ClientConnection;
import dev.p2ptunnel.webrtc.HostOptions;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinDecision;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.ShortAuthString;
import dev.p2ptunnel.webrtc.TrustStore;
import dev.p2ptunnel.webrtc.TunnelHandle;
import dev.p2ptunnel.webrtc.WebRtcException;
import dev.p2ptunnel.webrtc.Identity;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The host side. One loop thread ({@code p2p-tunnel-host}) owns every join in progress: it takes join requests from
 * signaling, challenges paired ones, checks the reveal, asks the approver (never blocking: the approver answers
 * through a stage), enforces the limits (clients, waiting joins, one waiting join per address, a pause after a
 * person refused an address), and times decisions out. No WebRTC object exists for a join before it is approved,
 * except offline, where the pasted offer is answered at once and the decision waits on the open channel. Each
 * approved client then gets its own {@link TunnelCore} (setup thread, session, bridge), so joins proceed
 * concurrently. Thread-safe.
 */
public final class HostRuntime implements TunnelLifecycle {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.host");
  /** How long a challenged client has to reveal its nonce (a program answers at once). */
  static final Duration REVEAL_TIMEOUT = Duration.ofSeconds(30);
  /** Joins being handled at once (challenged, waiting, connecting unapproved); more are refused. */
  static final int MAX_IN_PROGRESS = 64;
  /** After a person refused a join, joins from the same address are refused without asking for this long. */
  static final Duration REFUSAL_PAUSE = Duration.ofSeconds(60);
  /** What a client is told when the host has all the clients it takes. */
  public static final String BUSY = "the host is busy with another client";

  private final HostOptions options;
  private final List<HostClient> clients = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final ScheduledThreadPoolExecutor loop;
  private final AtomicReference<@Nullable Thread> loopThread = new AtomicReference<>();
  private volatile boolean closing;
  private volatile boolean everOpened;
  private volatile @Nullable CompletableFuture<JoinRequest> pendingNext;
  // Loop thread only:
  private final Set<HostJoin> inProgress = new LinkedHashSet<>();
  private final ArrayDeque<HostJoin> waiting = new ArrayDeque<>();
  private final Map<String, Long> pausedUntilNs = new HashMap<>();

  public HostRuntime(HostOptions options) {
    this.options = options;
    this.loop = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "p2p-tunnel-host");
      thread.setDaemon(true);
      loopThread.set(thread);
      return thread;
    });
    loop.setRemoveOnCancelPolicy(true);
  }

  public void start() {
    onLoop(this::takeNext);
  }

  private boolean inLoop() {
    return Thread.currentThread() == loopThread.get();
  }

  private void onLoop(Runnable task) {
    try {
      loop.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.log(Level.ERROR, "host loop task failed", e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: nothing is taken any more
    }
  }

  // ------------------------------------------------------------------------------------------- joins (loop)

  private void takeNext() {
    assert inLoop();
    if (closing) {
      return;
    }
    CompletableFuture<JoinRequest> next = options.signaling().nextJoin();
    pendingNext = next;
    next.whenComplete((request, error) -> onLoop(() -> onNext(request, error)));
  }

  private void onNext(@Nullable JoinRequest request, @Nullable Throwable error) {
    pendingNext = null;
    if (closing) {
      if (request != null) {
        quietly(request.reject("the host is closing"));
      }
      return;
    }
    if (error != null) {
      if (!(error instanceof CancellationException)) {
        String reason = "signaling ended: " + message(unwrap(error));
        new Thread(() -> close(reason), "p2p-tunnel-host-close").start();
      }
      return;
    }
    try {
      handle(request);
    } finally {
      takeNext();
    }
  }

  private void handle(JoinRequest request) {
    String name = request.offer().clientName();
    String clientFp;
    try {
      clientFp = ShortAuthString.fingerprint(request.offer().offer());
    } catch (IllegalArgumentException e) {
      refuse(request, name, "the offer carries no DTLS fingerprint");
      return;
    }
    if (activeClients() >= options.maxClients()) {
      refuse(request, name, BUSY);
      return;
    }
    if (inProgress.size() >= MAX_IN_PROGRESS) {
      refuse(request, name, "the host is handling " + MAX_IN_PROGRESS + " join requests; try again in a minute");
      return;
    }
    String address = request.clientAddress();
    Long paused = address == null ? null : pausedUntilNs.get(address);
    if (paused != null) {
      if (System.nanoTime() - paused < 0) {
        refuse(request, name, "the host refused a join request from " + address + " a moment ago; try again in "
            + seconds(REFUSAL_PAUSE));
        return;
      }
      pausedUntilNs.remove(address);
    }
    HostJoin join = new HostJoin(request, clientFp);
    inProgress.add(join);
    request.withdrawn().thenAccept(reason -> onLoop(() -> end(join, "withdrawn by the client: " + reason, false)));
    if (join.offer.paired()) {
      join.hostNonce = ShortAuthString.newNonce();
    }
    if (join.inChannel) {
      connect(join); // offline: the answer goes out now, the code and the decision come over the channel
    } else if (join.offer.paired()) {
      byte[] hostNonce = join.hostNonce;
      join.timer = loop.schedule(() -> refuse(join, "the client did not reveal its nonce within "
          + seconds(REVEAL_TIMEOUT)), REVEAL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      request.challenge(new JoinChallenge(options.identity().fingerprint(), hostNonce == null ? new byte[0]
          : hostNonce)).whenComplete((reveal, error) -> onLoop(() -> onReveal(join, reveal, error)));
    } else {
      askDecision(join);
    }
  }

  private void onReveal(HostJoin join, @Nullable JoinReveal reveal, @Nullable Throwable error) {
    if (join.finished) {
      return;
    }
    join.cancelTimer();
    if (error != null || reveal == null) {
      refuse(join, "the client did not reveal its nonce: " + message(unwrap(error)));
      return;
    }
    byte[] commitment = join.offer.commitment();
    byte[] nonce = reveal.clientNonce();
    byte[] hostNonce = join.hostNonce;
    if (commitment == null || hostNonce == null || !ShortAuthString.opens(commitment, nonce)) {
      refuse(join, "the revealed nonce does not open the join's commitment");
      return;
    }
    String hostFp = options.identity().fingerprint();
    join.clientNonce = nonce;
    join.code = ShortAuthString.of(join.clientFingerprint, hostFp, nonce, hostNonce);
    byte[] certificate = reveal.certificate();
    byte[] proof = reveal.proof();
    boolean proven = certificate != null && proof != null
        && Identity.fingerprintOf(certificate).equals(join.clientFingerprint)
        && Identity.verify(certificate, ShortAuthString.proofTranscript(join.clientFingerprint, hostFp, nonce,
            hostNonce), proof);
    TrustStore trust = options.trustStore();
    if (proven && trust != null && trust.trustsClient(join.clientFingerprint)) {
      join.trusted = true;
      decided(join, JoinDecision.approve());
      return;
    }
    askDecision(join);
  }

  /** An in-channel join's code is known (setup thread): decide it like any other. */
  private CompletableFuture<JoinDecision> decideInChannel(HostJoin join) {
    onLoop(() -> {
      if (join.finished) {
        return;
      }
      TrustStore trust = options.trustStore();
      if (trust != null && trust.trustsClient(join.clientFingerprint)) {
        join.trusted = true; // DTLS proved the key before the fingerprints matched over the channel
        decided(join, JoinDecision.approve());
      } else {
        askDecision(join);
      }
    });
    return join.decision;
  }

  private void askDecision(HostJoin join) {
    String address = join.address;
    if (address != null) {
      for (HostJoin other : waiting) {
        if (address.equals(other.address)) {
          refuse(join, "another join request from " + address + " is waiting for the host's decision");
          return;
        }
      }
    }
    if (waiting.size() >= options.maxPendingJoins()) {
      refuse(join, "the host has " + waiting.size() + " join requests waiting for a decision; try again later");
      return;
    }
    waiting.add(join);
    join.waitingForDecision = true;
    join.timer = loop.schedule(() -> refuse(join, "the host did not decide within "
        + seconds(options.approveTimeout())), options.approveTimeout().toNanos(), TimeUnit.NANOSECONDS);
    CompletionStage<JoinDecision> stage;
    try {
      stage = options.approver().decide(join);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "the approver threw; the join is refused", e);
      refuse(join, JoinDecision.REFUSED);
      return;
    }
    stage.whenComplete((decision, error) -> onLoop(() -> {
      if (error != null || decision == null) {
        refuse(join, JoinDecision.REFUSED);
      } else {
        decided(join, decision);
      }
    }));
  }

  private void decided(HostJoin join, JoinDecision decision) {
    if (join.finished) {
      return;
    }
    if (!decision.approved()) {
      if (join.address != null && join.waitingForDecision) {
        pausedUntilNs.put(join.address, System.nanoTime() + REFUSAL_PAUSE.toNanos());
      }
      refuse(join, decision.reason().isEmpty() ? JoinDecision.REFUSED : decision.reason());
      return;
    }
    if (!join.inChannel && activeClients() >= options.maxClients()) {
      refuse(join, BUSY);
      return;
    }
    TrustStore trust = options.trustStore();
    if (decision.trust() && trust != null) {
      try {
        trust.trustClient(join.clientFingerprint, join.clientName());
        join.trusted = true;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not remember the trusted client: " + e.getMessage());
      }
    }
    end(join, "approved", true);
    if (join.inChannel) {
      HostClient client = join.client;
      if (client != null) {
        approvedClient(client);
      }
      join.decision.complete(decision);
    } else {
      connect(join);
    }
  }

  /** Starts the client's tunnel; for in-channel joins before the decision. */
  private void connect(HostJoin join) {
    TunnelCore core = new TunnelCore("p2p-tunnel-host-client",
        c -> HostConnect.connect(c, options, join, this::decideInChannel),
        channel -> HostBridge.start(channel, options.target(), options.bridge()), options.plugins());
    HostClient client = new HostClient(join, core);
    join.client = client;
    clients.add(client);
    if (!join.inChannel) {
      approvedClient(client);
    }
    core.opened().thenRun(() -> {
      everOpened = true;
      opened.complete(null);
      notify(() -> options.listener().onClientOpened(client));
    });
    core.closed().thenAccept(why -> onLoop(() -> left(client, why)));
    core.start();
  }

  private void approvedClient(HostClient client) {
    client.approved = true;
    notify(() -> options.listener().onClientJoined(client));
  }

  private void left(HostClient client, String reason) {
    clients.remove(client);
    HostJoin join = client.join;
    if (!join.finished) {
      end(join, reason, false);
    }
    if (client.approved) {
      quietly(() -> join.request.left(reason));
      notify(() -> options.listener().onClientLeft(client, reason));
      if (!options.stayOpen() && clients.isEmpty() && !closing) {
        new Thread(() -> close("client " + client.clientName() + " left: " + reason), "p2p-tunnel-host-close")
            .start();
      }
    } else {
      notify(() -> options.listener().onClientRejected(join.clientName(), reason));
    }
  }

  private void refuse(HostJoin join, String reason) {
    if (join.finished) {
      return;
    }
    end(join, reason, false);
    if (!join.inChannel) { // in-channel: its setup thread tells the client over the channel, or end() closed it
      refuse(join.request, join.clientName(), reason);
    }
  }

  private void refuse(JoinRequest request, String name, String reason) {
    quietly(request.reject(reason));
    notify(() -> options.listener().onClientRejected(name, reason));
  }

  /** Takes the join out of the waiting structures; {@code decided} says whether it goes on to connect. */
  private void end(HostJoin join, String reason, boolean decided) {
    if (join.finished) {
      return;
    }
    join.finished = true;
    join.cancelTimer();
    inProgress.remove(join);
    waiting.remove(join);
    join.waitingForDecision = false;
    if (!decided) {
      join.cancelled.complete(reason);
      if (join.inChannel) {
        join.decision.complete(JoinDecision.refuse(reason)); // the setup thread tells the client and closes
        HostClient client = join.client;
        if (client != null && !join.channelOpen) {
          client.core.closeAsync(reason); // the token was not used: nobody to tell
        }
      }
    } else {
      join.cancelled.complete("decided");
    }
  }

  private int activeClients() {
    int active = 0;
    for (HostClient client : clients) {
      if (client.core.state() != TunnelHandle.State.CLOSED) {
        active++;
      }
    }
    return active;
  }

  private static void quietly(CompletableFuture<Void> step) {
    step.whenComplete((ok, error) -> {
      if (error != null) {
        LOG.log(Level.DEBUG, "telling signaling failed: {0}", error.toString());
      }
    });
  }

  private static void quietly(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "telling signaling failed: {0}", e.toString());
    }
  }

  private static void notify(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "host listener threw; ignored", e);
    }
  }

  static String seconds(Duration d) {
    long s = d.toSeconds();
    return s % 60 == 0 && s >= 60 ? s / 60 + " min" : s + " s";
  }

  private static @Nullable Throwable unwrap(@Nullable Throwable error) {
    Throwable t = error;
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
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
    List<ClientConnection> approved = new ArrayList<>();
    for (HostClient client : clients) {
      if (client.approved) {
        approved.add(client);
      }
    }
    return approved;
  }

  /** The sum over connected clients, sockets of all of them listed; null before any client opened. */
  @Override
  public @Nullable BridgeStats stats() {
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
    Map<String, Long> errors = new HashMap<>();
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
    for (HostClient client : clients) {
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

  /** Stops taking joins, refuses those in progress, disconnects every client, closes signaling (bounded wait). */
  @Override
  public void close(String reason) {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    CompletableFuture<JoinRequest> pending = pendingNext;
    if (pending != null) {
      pending.cancel(true);
    }
    CompletableFuture<Void> refused = new CompletableFuture<>();
    onLoop(() -> {
      for (HostJoin join : new ArrayList<>(inProgress)) {
        refuse(join, "the host is closing");
      }
      refused.complete(null);
    });
    try {
      refused.get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.log(Level.DEBUG, "refusing the joins in progress did not finish: {0}", e.toString());
    }
    try {
      options.signaling().close();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "closing signaling failed: {0}", e.toString());
    }
    for (HostClient client : clients) {
      client.core.close(reason);
    }
    loop.shutdownNow();
    opened.completeExceptionally(new WebRtcException("host closed before a client connected: " + reason));
    closed.complete(reason);
  }
}

package dev.p2ptunnel.rendezvous.internal;

import dev.p2ptunnel.webrtc.WebRtcException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * What the host's and the client's side share: one loop thread that owns all state, the key schedule of the Session
 * ID (derived on a helper thread while the brokers connect), the broker links, the replay guard, sealing and
 * publishing. Thread-safe: other threads only enqueue onto the loop.
 */
abstract class Endpoint implements BrokerLink.Events {
  static final System.Logger LOG = System.getLogger("dev.p2ptunnel.rendezvous");
  private static final AtomicInteger COUNT = new AtomicInteger();

  final Settings settings;
  final String sessionId;
  final ScheduledThreadPoolExecutor loop;
  final SecureRandom random = new SecureRandom();
  final ReplayGuard replay = new ReplayGuard();
  private final Executor netty;
  private volatile @Nullable Thread loopThread;
  private final String subscribeTopicSide;
  // Owned by the loop thread:
  final List<BrokerLink> links = new ArrayList<>();
  @Nullable SessionSecrets secrets;
  private volatile List<String> upBrokers = List.of();

  /**
   * @param sessionId display form
   * @param toHost whether this side subscribes to the host's topic (the host) or to the clients' (a client)
   */
  Endpoint(Settings settings, String sessionId, String role, boolean toHost) {
    this.settings = settings;
    this.sessionId = sessionId;
    this.subscribeTopicSide = toHost ? "h" : "c";
    int n = COUNT.incrementAndGet();
    this.loop = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "p2p-rendezvous-" + role + "-" + n);
      thread.setDaemon(true);
      loopThread = thread;
      return thread;
    });
    loop.setRemoveOnCancelPolicy(true);
    this.netty = runnable -> {
      Thread thread = new Thread(runnable, "p2p-rendezvous-netty-" + role + "-" + n);
      thread.setDaemon(true);
      thread.start();
    };
  }

  final boolean inLoop() {
    return Thread.currentThread() == loopThread;
  }

  /** Runs {@code task} on the loop; false if the loop has stopped. */
  final boolean onLoop(Runnable task) {
    try {
      loop.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.log(Level.ERROR, "rendezvous loop task failed", e);
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  final @Nullable ScheduledFuture<?> schedule(Runnable task, long delayMs) {
    try {
      return loop.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.log(Level.ERROR, "rendezvous timer failed", e);
        }
      }, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** Derives the key schedule on a helper thread and connects to every broker meanwhile (loop thread). */
  final void startLinks(CompletableFuture<SessionSecrets> derived) {
    assert inLoop();
    for (BrokerAddress broker : settings.brokers()) {
      BrokerLink link = new BrokerLink(broker, settings.trust(), settings.connectTimeout(), netty, loop, this);
      links.add(link);
      link.start();
    }
    derived.whenCompleteAsync((value, error) -> {
      if (error != null) {
        onSecretsFailed(error);
        return;
      }
      if (secrets == null) {
        secrets = value;
      }
      SessionSecrets s = secrets;
      String topic = subscribeTopicSide.equals("h") ? s.toHostTopic() : s.toClientTopic();
      links.forEach(link -> link.subscribeTo(topic));
      onSecretsReady();
    }, loop);
  }

  /** Starts deriving the key schedule of {@code canonicalId} on a daemon thread of its own. */
  static CompletableFuture<SessionSecrets> derive(String canonicalId) {
    CompletableFuture<SessionSecrets> derived = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        derived.complete(SessionSecrets.derive(canonicalId));
      } catch (RuntimeException | Error e) {
        derived.completeExceptionally(e);
      }
    }, "p2p-rendezvous-kdf");
    thread.setDaemon(true);
    thread.start();
    return derived;
  }

  void onSecretsFailed(Throwable error) {
    LOG.log(Level.ERROR, "rendezvous key schedule failed", error);
  }

  /**
   * The key schedule is there (loop thread). Deriving it is CPU work that always ends but takes seconds in a cold JVM
   * on a busy machine (2^17 PBKDF2 iterations, interpreted until the JIT compiles them): the bounds on the brokers'
   * network steps start here, not before it.
   */
  void onSecretsReady() {}

  /** Disconnects every link; completes when all are disconnected or after 2 s. */
  final CompletableFuture<Void> closeLinks() {
    assert inLoop();
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (BrokerLink link : links) {
      closing.add(link.close());
    }
    links.clear();
    refreshUp();
    return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, 2, TimeUnit.SECONDS);
  }

  /** The brokers connected and subscribed now (any thread). */
  final List<String> connectedBrokers() {
    return upBrokers;
  }

  final boolean anyUp() {
    return links.stream().anyMatch(BrokerLink::up);
  }

  private void refreshUp() {
    upBrokers = links.stream().filter(BrokerLink::up).map(link -> link.address().display()).toList();
  }

  /** Why no broker can be reached, once every link failed at least once and none is up; else null. */
  final @Nullable String allDown() {
    if (links.isEmpty() || anyUp() || links.stream().anyMatch(link -> link.failures() == 0)) {
      return null;
    }
    StringBuilder why = new StringBuilder("cannot reach any rendezvous broker: ");
    for (int i = 0; i < links.size(); i++) {
      BrokerLink link = links.get(i);
      why.append(i == 0 ? "" : "; ").append(link.address().display()).append(": ").append(link.lastError());
    }
    return why.toString();
  }

  /** Seals and publishes on every link that is up; returns the publications (empty when none is up). */
  final List<CompletableFuture<Void>> send(String topic, javax.crypto.SecretKey key, int keySelector, byte[] joinId,
      byte[] plaintext) {
    assert inLoop();
    byte[] messageId = new byte[Envelope.ID_BYTES];
    random.nextBytes(messageId);
    byte[] message = Envelope.seal(key, keySelector, joinId, messageId, System.currentTimeMillis(), plaintext, random);
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (BrokerLink link : links) {
      if (link.up()) {
        sent.add(link.publish(topic, message).exceptionally(error -> {
          LOG.log(Level.DEBUG, () -> "publishing to " + link.address().display() + " failed: "
              + BrokerLink.describe(error));
          return null;
        }));
      }
    }
    return sent;
  }

  /** A message that authenticated, is new, and goes this side's way: what a side acts on. */
  record Inbound(Envelope.Header header, String id, Body body) {
    /** The first 8 hex digits of the join id, for log lines. */
    String shortId() {
      return id.substring(0, 8) + "…";
    }
  }

  /**
   * The prologue of every received message, the same on both sides (loop thread): read the clear header, choose the
   * key ({@link #keyFor}, which says itself why it has none), authenticate and decode the body, refuse copies and
   * replays, then refuse a type that does not go this side's way or not under this key. Every refusal is discarded
   * with its reason.
   *
   * @param checkTime whether the sending time must be within {@link ReplayGuard#WINDOW} of this clock
   * @return the message to act on, or null
   */
  final @Nullable Inbound receive(byte[] payload, boolean checkTime) {
    SessionSecrets s = secrets;
    if (s == null) {
      return null;
    }
    String topic = subscribeTopicSide.equals("h") ? "the host's topic" : "the clients' topic";
    Envelope.Header header;
    try {
      header = Envelope.header(payload);
    } catch (InvalidMessageException e) {
      discard("a message on " + topic + ": " + e.getMessage());
      return null;
    }
    String id = hex(header.joinId());
    javax.crypto.SecretKey key = keyFor(header, id, s);
    if (key == null) {
      return null;
    }
    Body body;
    try {
      body = Body.decode(Envelope.open(key, payload));
    } catch (InvalidMessageException e) {
      discard("join " + id.substring(0, 8) + "…: " + e.getMessage());
      return null;
    }
    String stale = replay.check(header.messageId(), header.sentAtMs(), System.currentTimeMillis(), System.nanoTime(),
        checkTime);
    if (stale != null) {
      discard("join " + id.substring(0, 8) + "…: " + body.type() + " " + stale);
      onStale(header, body, stale);
      return null;
    }
    Direction incoming = subscribeTopicSide.equals("h") ? Direction.CLIENT_TO_HOST : Direction.HOST_TO_CLIENT;
    if (body.type().direction() != incoming || !body.type().allowedUnder(header.key())) {
      discard("join " + id.substring(0, 8) + "…: a " + body.type() + " under the " + (header.key() == 0 ? "session"
          : "join") + " key on " + topic + " (expected: a" + (incoming == Direction.CLIENT_TO_HOST ? " client's"
          : " host's") + " message under its key)");
      return null;
    }
    return new Inbound(header, id, body);
  }

  /**
   * The key that opens a message with {@code header} on this side, or null when it is not this side's to open (the
   * side discards with the reason, or ignores another client's message). Loop thread.
   */
  abstract javax.crypto.@Nullable SecretKey keyFor(Envelope.Header header, String id, SessionSecrets s);

  /** An authentic message refused as a copy, a replay or out of the time window (already discarded). Loop thread. */
  void onStale(Envelope.Header header, Body body, String stale) {}

  /** A refused message: logged, reported to the listener. */
  final void discard(String reason) {
    LOG.log(Level.DEBUG, () -> "rendezvous " + sessionId + ": discarded a message: " + reason);
    settings.listener().onDiscarded(reason);
  }

  @Override
  public void onUp(BrokerLink link) {
    refreshUp();
    settings.listener().onBrokerConnected(link.address().display());
    linkUp(link);
  }

  @Override
  public void onDown(BrokerLink link, String reason) {
    refreshUp();
    settings.listener().onBrokerDisconnected(link.address().display(), reason);
    linkDown(link, reason);
  }

  /** A link is up (loop thread). */
  abstract void linkUp(BrokerLink link);

  /** A link failed (loop thread). */
  abstract void linkDown(BrokerLink link, String reason);

  static String hex(byte[] id) {
    return HexFormat.of().formatHex(id);
  }

  static WebRtcException closed() {
    return new WebRtcException("signaling closed");
  }
}

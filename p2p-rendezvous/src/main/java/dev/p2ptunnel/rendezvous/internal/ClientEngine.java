package dev.p2ptunnel.rendezvous.internal;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * The client's side of rendezvous: connects to every broker as soon as it is made (while the key schedule is
 * derived), keeps the joins under way and hands each one the host's messages for it: {@link ClientHandshake} takes a
 * join from hello to the host's answer, {@link ClientRestarts} carries its ICE restarts after that. It gives up on a
 * join, saying why, when no broker can be reached, when no host answers within the find timeout, and when the host
 * falls silent. The links close once no join is left and open again for the next join or ICE restart. Everything runs
 * on the loop thread of {@link Endpoint}.
 */
public final class ClientEngine extends Endpoint {
  /**
   * The brokers stay connected this long after an ICE restart ended: the next restart, due every few seconds while the
   * path is down, then finds them connected; a tunnel that carries keeps no broker connection (docs/SIGNALING.md).
   */
  static final Duration RESTART_LINGER = Duration.ofSeconds(30);

  private final CompletableFuture<SessionSecrets> derived;
  // Owned by the loop thread:
  private final Map<String, ClientJoinState> joins = new HashMap<>();
  final ClientHandshake handshake = new ClientHandshake(this);
  final ClientRestarts restarts = new ClientRestarts(this);
  private @Nullable ScheduledFuture<?> idleClose;
  private boolean closed;

  private ClientEngine(Settings settings, String sessionId, CompletableFuture<SessionSecrets> derived) {
    super(settings, sessionId, "client", false);
    this.derived = derived;
  }

  /** Starts deriving keys and connecting at once, so that the first join finds both ready. */
  public static ClientEngine start(Settings settings, String sessionId, String canonicalId) {
    return start(settings, sessionId, derive(canonicalId));
  }

  /** {@link #start(Settings, String, String)} with the key schedule coming from {@code derived} (tests hold it). */
  public static ClientEngine start(Settings settings, String sessionId, CompletableFuture<SessionSecrets> derived) {
    ClientEngine engine = new ClientEngine(settings, sessionId, derived);
    engine.onLoop(() -> engine.startLinks(engine.derived));
    return engine;
  }

  /** Starts a join; does not block. */
  public ClientJoin join(JoinOffer offer) {
    byte[] joinId = new byte[Envelope.ID_BYTES];
    random.nextBytes(joinId);
    ClientJoinState join = new ClientJoinState(this, joinId, offer);
    if (!onLoop(() -> begin(join))) {
      join.fail(closed());
    }
    return join;
  }

  private void begin(ClientJoinState join) {
    if (closed) {
      join.fail(closed());
      return;
    }
    ensureLinks(); // the links may have closed after the last join: open them again
    joins.put(join.id, join);
    join.startedNs = System.nanoTime();
    SessionSecrets s = secrets;
    join.repeating = Body.encode(Body.Type.HELLO, join.mine.publicKey());
    if (anyUp() && s != null) {
      handshake.lookForHost(join);
    } else if (s != null) {
      awaitBroker(join);
    } // else the keys are still being derived: onSecretsReady starts the broker's bound
  }

  /** Waiting for a broker: linkUp starts the search; give up if none comes within the connect timeout. */
  private void awaitBroker(ClientJoinState join) {
    join.deadline = schedule(() -> noBroker(join), settings.connectTimeout().toMillis() + 2_000);
  }

  @Override
  void onSecretsReady() {
    for (ClientJoinState join : new ArrayList<>(joins.values())) {
      if (join.state == ClientJoinState.State.FINDING && join.repeatTimer == null && join.deadline == null) {
        awaitBroker(join);
      }
    }
  }

  private void noBroker(ClientJoinState join) {
    if (join.state == ClientJoinState.State.FINDING && !anyUp()) {
      String none = allDown();
      fail(join, new WebRtcException(none != null ? none : "no rendezvous broker answered within "
          + (settings.connectTimeout().toSeconds() + 2) + " s: " + settings.brokerList()));
    }
  }

  @Override
  void linkUp(BrokerLink link) {
    restarts.linkUp();
    for (ClientJoinState join : new ArrayList<>(joins.values())) {
      if (join.state == ClientJoinState.State.FINDING) {
        if (join.repeatTimer == null) {
          handshake.lookForHost(join);
        } else {
          handshake.sendRepeating(join); // a new broker: say hello there too
        }
      }
    }
  }

  @Override
  void linkDown(BrokerLink link, String reason) {
    String none = allDown();
    if (none == null) {
      return;
    }
    for (ClientJoinState join : new ArrayList<>(joins.values())) {
      if (join.state == ClientJoinState.State.FINDING && join.repeatTimer == null) {
        fail(join, new WebRtcException(none));
      }
    }
  }

  @Override
  void onSecretsFailed(Throwable error) {
    for (ClientJoinState join : new ArrayList<>(joins.values())) {
      fail(join, error);
    }
  }

  @Override
  public void onMessage(BrokerLink link, byte[] payload) {
    // No time window here: every reply is bound to this join's fresh id and keys, so an old one cannot fit; a host
    // whose clock is off is still understood.
    Inbound in = receive(payload, false);
    if (in == null) {
      return;
    }
    ClientJoinState join = joins.get(in.id());
    if (join != null) {
      handshake.received(join, in.body());
      return;
    }
    ClientJoinState restarting = restarts.restarting(in.id());
    if (restarting != null) {
      restarts.received(restarting, in.body());
    }
  }

  @Override
  @Nullable SecretKey keyFor(Envelope.Header header, String id, SessionSecrets s) {
    ClientJoinState join = joins.get(id);
    if (join == null) {
      join = restarts.restarting(id);
    }
    if (join == null) {
      return null; // another client's join, or ours finished: not ours to judge
    }
    if (header.key() == Envelope.KEY_SESSION) {
      return s.sessionKey(Direction.HOST_TO_CLIENT);
    }
    SessionSecrets.JoinKeys keys = join.keys;
    if (keys == null) {
      discard("join " + join.id.substring(0, 8) + "…: a message under the join key before the welcome");
      return null;
    }
    return keys.of(Direction.HOST_TO_CLIENT);
  }

  void withdraw(ClientJoinState join, String reason) {
    if (join.state == ClientJoinState.State.DONE) {
      return;
    }
    List<CompletableFuture<Void>> told = tellWithdrawn(join, HostEngine.reason(reason, "the client gave up"));
    join.fail(new WebRtcException("join withdrawn: " + reason));
    finish(join, told);
  }

  /** Sends the withdrawal of {@code join} if the host could read it (the join has keys). */
  private List<CompletableFuture<Void>> tellWithdrawn(ClientJoinState join, String reason) {
    SessionSecrets s = secrets;
    SessionSecrets.JoinKeys keys = join.keys;
    return s == null || keys == null ? List.of() : send(s.toHostTopic(), keys.of(Direction.CLIENT_TO_HOST),
        Envelope.KEY_JOIN, join.joinId, Body.encode(Body.Type.WITHDRAW, reason));
  }

  void fail(ClientJoinState join, Throwable error) {
    if (join.state == ClientJoinState.State.DONE) {
      return;
    }
    finish(join);
    join.fail(error);
  }

  void finish(ClientJoinState join) {
    finish(join, List.of());
  }

  /** The join is over: timers stop; the links close once nothing is left and {@code pending} went out. */
  private void finish(ClientJoinState join, List<CompletableFuture<Void>> pending) {
    join.state = ClientJoinState.State.DONE;
    join.cancelTimers();
    joins.remove(join.id);
    if (joins.isEmpty()) {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .completeOnTimeout(null, 2, java.util.concurrent.TimeUnit.SECONDS)
          .whenCompleteAsync((ok, error) -> {
            if (joins.isEmpty() && restarts.idle() && !links.isEmpty()) {
              closeLinks();
            }
          }, loop);
    }
  }

  /** Connects again if the links closed, or afresh if all failed (not to wait out their pauses of up to 30 s). */
  void ensureLinks() {
    if (idleClose != null) {
      idleClose.cancel(false);
      idleClose = null;
    }
    if (!links.isEmpty() && allDown() != null) {
      closeLinks();
    }
    if (links.isEmpty() && !closed) {
      startLinks(derived);
    }
  }

  /** After a restart: the links close {@link #RESTART_LINGER} later if nothing else needs them. Loop thread. */
  void closeLinksWhenIdle() {
    if (idleClose != null) {
      idleClose.cancel(false);
    }
    idleClose = schedule(() -> {
      idleClose = null;
      if (joins.isEmpty() && restarts.idle() && !links.isEmpty()) {
        closeLinks();
      }
    }, RESTART_LINGER.toMillis());
  }

  boolean isClosed() {
    return closed;
  }

  /** Withdraws every join and disconnects. Idempotent. */
  public void close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!onLoop(() -> {
      closed = true;
      restarts.closeAll(closed());
      List<CompletableFuture<Void>> told = new ArrayList<>();
      for (ClientJoinState join : new ArrayList<>(joins.values())) {
        told.addAll(tellWithdrawn(join, "the client stopped"));
        fail(join, closed());
      }
      CompletableFuture.allOf(told.toArray(CompletableFuture[]::new))
          .completeOnTimeout(null, 2, java.util.concurrent.TimeUnit.SECONDS)
          .whenCompleteAsync((ok, error) -> closeLinks().whenComplete((ok2, error2) -> done.complete(null)), loop);
    })) {
      return;
    }
    try {
      done.get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // disconnected as far as it goes
    }
    loop.shutdownNow();
  }
}

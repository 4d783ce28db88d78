package dev.p2ptunnel.rendezvous.internal;

import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.security.InvalidKeyException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * The host's side of rendezvous: listens on its topic at every broker, welcomes hellos with a fresh key per join,
 * hands each offer out as a {@link JoinRequest}, answers every repeat of a client's message with its own latest one,
 * keeps approved joins for their ICE restarts ({@link HostRestarts}) and forgets joins that went silent or were
 * refused a while ago. Everything runs on the loop thread of {@link Endpoint}.
 */
public final class HostEngine extends Endpoint {
  /** Joins in progress remembered at once (approved ones not counted); hellos beyond are ignored. */
  static final int MAX_JOINS = 128;
  /** A join whose client sent nothing for this long is withdrawn (clients repeat every 15 s at most). */
  static final Duration IDLE = Duration.ofSeconds(90);
  /** A refused join is kept this long to answer the client's repeats (an approved one: {@link HostRestarts}). */
  static final Duration LINGER = Duration.ofMinutes(2);
  static final long SWEEP_MS = 5_000;

  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final CompletableFuture<SessionSecrets> derived;
  // Owned by the loop thread:
  private final Map<String, HostJoin> joins = new HashMap<>();
  private final ArrayDeque<HostJoin> ready = new ArrayDeque<>();
  private final ArrayDeque<CompletableFuture<JoinRequest>> takers = new ArrayDeque<>();
  private final HostRestarts restarts = new HostRestarts(this);
  private @Nullable Throwable ended;

  private HostEngine(Settings settings, String sessionId, CompletableFuture<SessionSecrets> derived) {
    super(settings, sessionId, "host", true);
    this.derived = derived;
  }

  /** Starts deriving keys and connecting; {@link #opened()} says when clients can find the host. */
  public static HostEngine start(Settings settings, String sessionId, String canonicalId) {
    return start(settings, sessionId, derive(canonicalId));
  }

  /** {@link #start(Settings, String, String)} with the key schedule coming from {@code derived} (tests hold it). */
  public static HostEngine start(Settings settings, String sessionId, CompletableFuture<SessionSecrets> derived) {
    HostEngine engine = new HostEngine(settings, sessionId, derived);
    engine.onLoop(() -> {
      engine.startLinks(engine.derived);
      engine.schedule(engine::sweep, SWEEP_MS);
    });
    return engine;
  }

  /** Completes once a broker is connected and subscribed; fails when every broker failed once and none is up. */
  public CompletableFuture<Void> opened() {
    return opened.copy();
  }

  /**
   * Completes once the key schedule is derived (CPU work that always ends; seconds in a cold JVM on a busy machine),
   * fails if it cannot be.
   */
  public CompletableFuture<Void> keysDerived() {
    return derived.thenRun(() -> {});
  }

  /** The brokers connected now. */
  public List<String> brokersUp() {
    return connectedBrokers();
  }

  @Override
  void linkUp(BrokerLink link) {
    opened.complete(null);
  }

  @Override
  void linkDown(BrokerLink link, String reason) {
    String none = allDown();
    if (none != null && !opened.isDone()) {
      end(new WebRtcException(none)); // never reachable: give up now, saying why, rather than wait unseen
    }
  }

  @Override
  void onSecretsFailed(Throwable error) {
    end(error);
  }

  /** No broker could ever be reached (or no keys): fails {@link #opened()} and every waiting and later taker. */
  private void end(Throwable why) {
    ended = why;
    opened.completeExceptionally(why);
    CompletableFuture<JoinRequest> taker;
    while ((taker = takers.poll()) != null) {
      taker.completeExceptionally(why);
    }
    closeLinks();
  }

  /** The next offer, as a join request. */
  public CompletableFuture<JoinRequest> nextJoin() {
    CompletableFuture<JoinRequest> taker = new CompletableFuture<>();
    if (!onLoop(() -> {
      if (ended != null) {
        taker.completeExceptionally(ended);
        return;
      }
      takers.add(taker);
      deliver();
    })) {
      taker.completeExceptionally(closed());
    }
    return taker;
  }

  private void deliver() {
    takers.removeIf(CompletableFuture::isDone);
    while (!ready.isEmpty() && !takers.isEmpty()) {
      HostJoin join = ready.peek();
      if (join.state != HostJoin.State.OFFERED) {
        ready.poll(); // withdrawn before anyone took it
      } else if (takers.poll().complete(join)) {
        ready.poll();
      }
    }
  }

  @Override
  public void onMessage(BrokerLink link, byte[] payload) {
    Inbound in = receive(payload, true);
    if (in == null) {
      return;
    }
    HostJoin join = joins.get(in.id());
    if (in.body().type() == Body.Type.HELLO) {
      hello(in.header().joinId(), join, in.body());
    } else if (join != null) {
      join.lastHeardNs = System.nanoTime();
      step(join, in.body());
    }
  }

  @Override
  @Nullable SecretKey keyFor(Envelope.Header header, String id, SessionSecrets s) {
    if (header.key() == Envelope.KEY_SESSION) {
      return s.sessionKey(Direction.CLIENT_TO_HOST);
    }
    HostJoin join = joins.get(id);
    if (join != null) {
      return join.keys.of(Direction.CLIENT_TO_HOST);
    }
    discard("join " + id.substring(0, 8) + "…: a message for a join the host does not know (forgotten, or never "
        + "welcomed)");
    restarts.gone(header.joinId(), id);
    return null;
  }

  @Override
  void onStale(Envelope.Header header, Body body, String stale) {
    SessionSecrets s = secrets;
    if (s != null && body.type() == Body.Type.HELLO && !stale.contains("already")) {
      // An authentic hello from a client whose clock is off: tell it, rather than leave it looking for a host.
      long skewMs = header.sentAtMs() - System.currentTimeMillis();
      send(s.toClientTopic(), s.sessionKey(Direction.HOST_TO_CLIENT), Envelope.KEY_SESSION, header.joinId(),
          Body.encode(Body.Type.REFUSE, "your clock is " + ReplayGuard.describe(Math.abs(skewMs))
              + (skewMs < 0 ? " behind" : " ahead of") + " the host's; set the clock right (NTP) and join again"));
    }
  }

  private void hello(byte[] joinId, @Nullable HostJoin known, Body body) {
    SessionSecrets s = secrets;
    assert s != null;
    byte[] clientPublic = body.bytes(0);
    if (known != null) {
      if (!java.util.Arrays.equals(known.clientPublic, clientPublic)) {
        discard("join " + known.id.substring(0, 8) + "…: a hello with another client key for a known join id");
        return;
      }
      known.lastHeardNs = System.nanoTime();
      reply(known);
      return;
    }
    if (joins.values().stream().filter(j -> !j.accepted).count() >= MAX_JOINS) {
      discard("a hello while " + MAX_JOINS + " joins are in progress (the limit)");
      return;
    }
    X25519.KeyPair mine = X25519.generate();
    byte[] shared;
    try {
      shared = X25519.agree(mine.privateKey(), clientPublic);
    } catch (InvalidKeyException e) {
      discard("a hello with an unusable client key: " + e.getMessage());
      return;
    }
    HostJoin join = new HostJoin(this, joinId, clientPublic, s.joinKeys(joinId, clientPublic, mine.publicKey(), shared),
        Body.encode(Body.Type.WELCOME, mine.publicKey()), System.nanoTime());
    joins.put(join.id, join);
    reply(join);
  }

  private void step(HostJoin join, Body body) {
    switch (body.type()) {
      case OFFER -> {
        if (join.state == HostJoin.State.WELCOMED) {
          try {
            join.offer = new JoinOffer(body.text(0), new SessionDescription(SessionDescription.Type.OFFER,
                body.text(1)), body.optional(2));
          } catch (IllegalArgumentException e) {
            discard("join " + join.id.substring(0, 8) + "…: a malformed offer: " + e.getMessage());
            decide(join, Body.Type.REFUSE, reason("malformed join request: " + e.getMessage(), ""));
            return;
          }
          join.state = HostJoin.State.OFFERED;
          latest(join, Body.encode(Body.Type.PENDING));
          ready.add(join);
          deliver();
        }
        reply(join);
      }
      case REVEAL -> {
        if (join.state == HostJoin.State.CHALLENGED) {
          try {
            join.reveal.complete(new JoinReveal(body.bytes(0), body.optional(1), body.optional(2)));
          } catch (IllegalArgumentException e) {
            join.reveal.completeExceptionally(new WebRtcException("the client's reveal is malformed: "
                + e.getMessage()));
          }
          join.state = HostJoin.State.REVEALED;
          latest(join, Body.encode(Body.Type.PENDING));
        } else if (join.state == HostJoin.State.WELCOMED || join.state == HostJoin.State.OFFERED) {
          discard("join " + join.id.substring(0, 8) + "…: a REVEAL before the challenge");
          return;
        }
        reply(join);
      }
      case WITHDRAW -> {
        if (join.state != HostJoin.State.DECIDED && join.state != HostJoin.State.WITHDRAWN) {
          join.withdrawnBy(body.text(0).isEmpty() ? "the client gave up" : body.text(0));
          join.settledNs = System.nanoTime();
        }
      }
      case RESTART -> restarts.offered(join, body);
      default -> discard("join " + join.id.substring(0, 8) + "…: unexpected " + body.type());
    }
  }

  void challenge(HostJoin join, JoinChallenge challenge) {
    if (join.state != HostJoin.State.OFFERED) {
      join.reveal.completeExceptionally(new WebRtcException("the join is " + join.state + ", not waiting for a "
          + "challenge"));
      return;
    }
    join.state = HostJoin.State.CHALLENGED;
    latest(join, Body.encode(Body.Type.CHALLENGE, challenge.hostFingerprint(), challenge.hostNonce()));
    reply(join);
  }

  /** Sends the answer or the refusal of {@code join} (once); returns null for the caller's future. */
  @Nullable Void decide(HostJoin join, Body.Type type, @Nullable Object... fields) {
    if (join.state == HostJoin.State.DECIDED || join.state == HostJoin.State.WITHDRAWN) {
      return null;
    }
    join.state = HostJoin.State.DECIDED;
    join.settledNs = System.nanoTime();
    join.accepted = type == Body.Type.ANSWER;
    ready.remove(join);
    latest(join, Body.encode(type, fields));
    reply(join);
    return null;
  }

  /** The host runtime's leave notice: an approved join stays for its client's ICE restarts, any other goes. */
  void left(HostJoin join) {
    if (join.accepted) {
      if (join.leftAtNs == 0) {
        join.leftAtNs = System.nanoTime();
      }
    } else {
      joins.remove(join.id);
      ready.remove(join);
    }
  }

  /** Whether {@code join} is still remembered. */
  boolean knows(HostJoin join) {
    return joins.get(join.id) == join;
  }

  private void latest(HostJoin join, byte[] plaintext) {
    join.latest = plaintext;
    join.latestKey = Envelope.KEY_JOIN;
  }

  /** Sends the host's latest message of {@code join} (again). */
  private List<CompletableFuture<Void>> reply(HostJoin join) {
    SessionSecrets s = secrets;
    if (s == null) {
      return List.of();
    }
    SecretKey key = join.latestKey == Envelope.KEY_SESSION ? s.sessionKey(Direction.HOST_TO_CLIENT)
        : join.keys.of(Direction.HOST_TO_CLIENT);
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    if (join.accepted) {
      // Right before the answer, in the same order on each broker: this host carries the join's ICE restarts.
      sent.addAll(send(s.toClientTopic(), key, Envelope.KEY_JOIN, join.joinId, Body.encode(Body.Type.RESTARTS)));
    }
    sent.addAll(send(s.toClientTopic(), key, join.latestKey, join.joinId, join.latest));
    return sent;
  }

  private void sweep() {
    long now = System.nanoTime();
    for (HostJoin join : new ArrayList<>(joins.values())) {
      switch (join.state) {
        case WELCOMED -> {
          if (now - join.lastHeardNs > IDLE.toNanos()) {
            joins.remove(join.id);
          }
        }
        case OFFERED, CHALLENGED, REVEALED -> {
          if (now - join.lastHeardNs > IDLE.toNanos()) {
            join.withdrawnBy("the client stopped answering: nothing from it for " + IDLE.toSeconds() + " s");
            join.settledNs = now;
            ready.remove(join);
          }
        }
        case DECIDED, WITHDRAWN -> {
          if (join.accepted ? !HostRestarts.keep(join, now) : now - join.settledNs > LINGER.toNanos()) {
            joins.remove(join.id);
          }
        }
      }
    }
    schedule(this::sweep, SWEEP_MS);
  }

  /** Refuses waiting joins, fails waiting takers, disconnects (waiting up to 2 s for the refusals to go out). */
  public void close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!onLoop(() -> {
      ended = closed();
      CompletableFuture<JoinRequest> taker;
      while ((taker = takers.poll()) != null) {
        taker.completeExceptionally(ended);
      }
      opened.completeExceptionally(ended);
      List<CompletableFuture<Void>> refusals = new ArrayList<>();
      for (HostJoin join : new ArrayList<>(joins.values())) {
        if (join.state != HostJoin.State.DECIDED && join.state != HostJoin.State.WITHDRAWN) {
          join.withdrawnBy("the host has stopped");
          refusals.addAll(sendRefusal(join, "the host has stopped"));
        }
      }
      CompletableFuture.allOf(refusals.toArray(CompletableFuture[]::new)).completeOnTimeout(null, 2, TimeUnit.SECONDS)
          .whenCompleteAsync((ok, error) -> closeLinks().whenComplete((ok2, error2) -> done.complete(null)), loop);
    })) {
      return;
    }
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // disconnected as far as it goes
    }
    loop.shutdownNow();
  }

  private List<CompletableFuture<Void>> sendRefusal(HostJoin join, String reason) {
    if (join.state == HostJoin.State.WELCOMED) {
      join.latestKey = Envelope.KEY_SESSION;
      join.latest = Body.encode(Body.Type.REFUSE, reason);
    } else {
      latest(join, Body.encode(Body.Type.REFUSE, reason));
    }
    join.state = HostJoin.State.DECIDED;
    return reply(join);
  }

  /** A reason as it may travel: control characters replaced, at most 500 characters, never empty. */
  static String reason(String reason, String fallback) {
    String text = reason.replaceAll("\\p{Cntrl}", " ").strip();
    if (text.isEmpty()) {
      text = fallback.isEmpty() ? "refused" : fallback;
    }
    return text.length() > 500 ? text.substring(0, 500) : text;
  }
}

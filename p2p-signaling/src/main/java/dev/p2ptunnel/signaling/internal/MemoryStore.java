package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory store (the default: one process, nothing to install). One state thread owns every session, join
 * request and rate-limit bucket; each operation is one task on it, so nothing is locked. The rules are in
 * {@link MemoryRules}. Thread-safe.
 */
final class MemoryStore implements Store {
  /** How long an ended session is remembered, so that its ID gets 410 (ended) rather than 404 (unknown). */
  static final long GONE_RETENTION_NS = TimeUnit.MINUTES.toNanos(10);

  private final ScheduledThreadPoolExecutor loop;
  private final MemoryRules rules;

  MemoryStore(SignalingConfig config, Listener listener) {
    this.loop = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "p2p-signaling-state");
      thread.setDaemon(true);
      return thread;
    });
    loop.setRemoveOnCancelPolicy(true);
    this.rules = new MemoryRules(config, listener);
    long sweepMs = Math.max(50, Math.min(1_000, Math.min(config.unjoinedSessionTtl().toMillis(),
        config.joinTtl().toMillis()) / 2));
    loop.scheduleWithFixedDelay(() -> rules.sweep(System.nanoTime()), sweepMs, sweepMs, TimeUnit.MILLISECONDS);
  }

  private <T> CompletableFuture<T> onLoop(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, loop);
  }

  @Override
  public CompletableFuture<Reply> create(Client client, int maxClients, @Nullable String claim) {
    return onLoop(() -> rules.create(client, maxClients, claim, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Reply> delete(String id, @Nullable String secret) {
    return onLoop(() -> rules.delete(id, secret, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Reply> join(Client client, String id, String clientName, String offer,
      @Nullable String commitment) {
    return onLoop(() -> rules.join(client, id, clientName, offer, commitment, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Reply> challenge(String id, @Nullable String secret, String joinId, String fingerprint,
      String nonce) {
    return onLoop(() -> rules.challenge(id, secret, joinId, fingerprint, nonce, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Reply> reveal(String id, String joinId, String nonce, @Nullable String certificate,
      @Nullable String proof) {
    return onLoop(() -> rules.reveal(id, joinId, nonce, certificate, proof, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Reply> decide(String id, @Nullable String secret, String joinId, boolean approve,
      String result, @Nullable String hostNonce) {
    return onLoop(() -> rules.decide(id, secret, joinId, approve, result, hostNonce, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Reply> withdraw(String id, String joinId, String reason) {
    return onLoop(() -> rules.withdraw(id, joinId, reason, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Reply> restart(String id, String joinId, String offer) {
    return onLoop(() -> rules.restart(id, joinId, offer, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Reply> restartAnswer(String id, @Nullable String secret, String joinId, long restart,
      String answer) {
    return onLoop(() -> rules.restartAnswer(id, secret, joinId, restart, answer, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Reply> leave(String id, @Nullable String secret, String joinId, String reason) {
    return onLoop(() -> rules.leave(id, secret, joinId, reason, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Read> hostEvents(String id, @Nullable String secret, long after, long holdMs) {
    return onLoop(() -> rules.hostEvents(id, secret, after, holdMs, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Read> joinStatus(String id, String joinId) {
    return onLoop(() -> rules.joinStatus(id, joinId, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Void> watch(String id) {
    return CompletableFuture.completedFuture(null); // changes are told on the state thread, in order with reads
  }

  @Override
  public void unwatch(String id) {
    // nothing to undo
  }

  @Override
  public CompletableFuture<Long> sessions() {
    return onLoop(() -> (long) rules.liveSessions());
  }

  @Override
  public CompletableFuture<Void> ping() {
    return onLoop(() -> null);
  }

  @Override
  public String kind() {
    return "memory";
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}

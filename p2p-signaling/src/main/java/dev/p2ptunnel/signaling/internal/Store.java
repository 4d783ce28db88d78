package dev.p2ptunnel.signaling.internal;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Where sessions, join requests and the shared rate limits live: {@link MemoryStore} (one process) or
 * {@link RedisStore} (any number of server instances). Every operation completes its future with the reply, or
 * exceptionally with an {@link ApiError} (a refusal, 4xx) or anything else (our fault or the store's: 5xx). Waiting
 * polls are not the store's business ({@link Polls} parks them); the store only tells its {@link Listener} when a
 * session changed, so that the polls of that session read again. Thread-safe.
 */
interface Store extends AutoCloseable {

  /** Told of changes. Runs on a thread of the store: it must only hand the work on, never block. */
  interface Listener {
    /**
     * Something in session {@code id} changed (a join, a step, a decision). With {@code ended} (a 410 reply) the
     * session ended (closed, replaced, evicted): its waiting polls get that reply.
     */
    void changed(String id, @Nullable Reply ended);

    /** The store's notifications may have been lost (a reconnect): every waiting poll should read again. */
    void resync();
  }

  /**
   * A client as the limits see it.
   *
   * @param address its IP address as text
   * @param prefix its network ({@code 203.0.113.0/24}, {@code 2001:db8:1:200::/56}): botnets share few of them
   */
  record Client(String address, String prefix) {}

  CompletableFuture<Reply> create(Client client, int maxClients, @Nullable String claim);

  CompletableFuture<Reply> delete(String id, @Nullable String secret);

  CompletableFuture<Reply> join(Client client, String id, String clientName, String offer,
      @Nullable String commitment);

  CompletableFuture<Reply> challenge(String id, @Nullable String secret, String joinId, String fingerprint,
      String nonce);

  CompletableFuture<Reply> reveal(String id, String joinId, String nonce, @Nullable String certificate,
      @Nullable String proof);

  /** Approves ({@code result} = the answer SDP) or rejects ({@code result} = the reason). */
  CompletableFuture<Reply> decide(String id, @Nullable String secret, String joinId, boolean approve, String result,
      @Nullable String hostNonce);

  CompletableFuture<Reply> withdraw(String id, String joinId, String reason);

  /** The client of an approved join sends ICE restart offer {@code offer}: 202 with the restart's number. */
  CompletableFuture<Reply> restart(String id, String joinId, String offer);

  /** The host answers ICE restart {@code restart} of an approved join (only the latest, once). */
  CompletableFuture<Reply> restartAnswer(String id, @Nullable String secret, String joinId, long restart,
      String answer);

  CompletableFuture<Reply> leave(String id, @Nullable String secret, String joinId, String reason);

  /**
   * The host's events numbered above {@code after}. Counts as a host request (the host is present); {@code holdMs}
   * &gt; 0 says its poll will wait that long here, during which the session neither expires nor counts its host
   * absent.
   */
  CompletableFuture<Read> hostEvents(String id, @Nullable String secret, long after, long holdMs);

  /** A join's status as its client sees it (an expired join reads as the 410). */
  CompletableFuture<Read> joinStatus(String id, String joinId);

  /** From the returned future's completion on, changes of session {@code id} reach the listener. */
  CompletableFuture<Void> watch(String id);

  /** No more interest in session {@code id} (as many calls as {@link #watch}). */
  void unwatch(String id);

  /** Live sessions (for Redis: cluster-wide, approximate until the next sweep). */
  CompletableFuture<Long> sessions();

  /** Completes when the store answers (health check), exceptionally with why not. */
  CompletableFuture<Void> ping();

  /** What it is, for /healthz and logs: {@code memory}, {@code redis}. */
  String kind();

  @Override
  void close();
}

package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.api.JoinStatus;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The long-polls waiting in this instance. A poll with nothing to report is parked: its request is kept unanswered
 * (no thread waits for it), the store is watched for changes of its session, and each change makes it read again;
 * news, the end of its wait or the end of the session answers it. Whichever store holds the state, the same code
 * parks: with Redis, the change comes through pub/sub from whichever instance made it. One thread owns every
 * waiter; the store's callbacks and replies are handed to it. Thread-safe.
 */
final class Polls implements Store.Listener {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.signaling");
  /** A session's subscription stays this long after its last poll: the host's next poll comes right after. */
  static final long LINGER_MS = 5_000;

  private final Store store;
  private final int maxParked;
  private final ScheduledThreadPoolExecutor loop;
  private final Map<String, Watch> watches = new HashMap<>();
  private int parked;
  private volatile int parkedSnapshot;
  private boolean closed;

  /** The waiters of one session and the store's watch on it. */
  private static final class Watch {
    final CompletableFuture<Void> ready;
    final List<Waiter> waiters = new ArrayList<>(2);
    @Nullable ScheduledFuture<?> linger;

    Watch(CompletableFuture<Void> ready) {
      this.ready = ready;
    }

    long hosts() {
      return waiters.stream().filter(w -> w.joinId == null).count();
    }

    long clientsOf(String joinId) {
      return waiters.stream().filter(w -> joinId.equals(w.joinId)).count();
    }
  }

  /** One parked poll: a host's ({@code joinId} null) or a client's. */
  private final class Waiter {
    final String id;
    final @Nullable String secret;
    final long after;
    final @Nullable String joinId;
    final @Nullable JoinStatus since;
    /** A client waiting for the host's answer to this ICE restart (0: none). */
    final long restart;
    final long deadlineNs;
    final Responder responder;
    @Nullable ScheduledFuture<?> timeout;
    boolean reading;
    boolean dirty;
    boolean done;

    Waiter(String id, @Nullable String secret, long after, @Nullable String joinId, @Nullable JoinStatus since,
        long restart, long deadlineNs, Responder responder) {
      this.id = id;
      this.secret = secret;
      this.after = after;
      this.joinId = joinId;
      this.since = since;
      this.restart = restart;
      this.deadlineNs = deadlineNs;
      this.responder = responder;
    }

    CompletableFuture<Read> read(boolean last) {
      if (joinId == null) {
        long holdMs = last ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())) + 1_000;
        return store.hostEvents(id, secret, after, holdMs);
      }
      return store.joinStatus(id, joinId);
    }

    boolean news(Read read) {
      if (read.reply().error() != null) {
        return true;
      }
      if (joinId == null) {
        return read.events() > 0;
      }
      // a restart's answer, or a newer restart that supersedes the one waited for, is news too
      return read.status() != since || restart > 0 && (read.restartAnswered() >= restart || read.restart() > restart);
    }
  }

  Polls(Store store, int maxParked) {
    this.store = store;
    this.maxParked = maxParked;
    this.loop = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "p2p-signaling-polls");
      thread.setDaemon(true);
      return thread;
    });
    loop.setRemoveOnCancelPolicy(true);
  }

  /** Waiting polls in this instance (a recent count, for metrics and tests). */
  int parked() {
    return parkedSnapshot;
  }

  /** The host's long-poll for events numbered above {@code after}. */
  void hostPoll(String id, @Nullable String secret, long after, long waitNs, Responder responder) {
    if (waitNs == 0) {
      reply(() -> store.hostEvents(id, secret, after, 0), responder);
      return;
    }
    execute(responder, () -> park(new Waiter(id, secret, after, null, null, 0, System.nanoTime() + waitNs,
        responder)));
  }

  /**
   * The client's long-poll: answers once its join's status differs from {@code since}, or (with {@code restart} &gt;
   * 0) once the host answered that ICE restart or a newer one was sent, or after the wait.
   */
  void clientPoll(String id, String joinId, JoinStatus since, long restart, long waitNs, Responder responder) {
    if (waitNs == 0) {
      reply(() -> store.joinStatus(id, joinId), responder);
      return;
    }
    execute(responder, () -> park(new Waiter(id, null, 0, joinId, since, restart, System.nanoTime() + waitNs,
        responder)));
  }

  private void reply(Supplier<CompletableFuture<Read>> read, Responder responder) {
    read.get().whenComplete((result, error) -> responder.send(error == null ? result.reply() : Front.failure(error)));
  }

  private void execute(Responder responder, Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      responder.send(Errors.closing());
    }
  }

  private void park(Waiter waiter) {
    if (closed) {
      waiter.responder.send(Errors.closing());
      return;
    }
    if (parked >= maxParked) {
      waiter.responder.send(Errors.tooManyPolls("the server holds its limit of " + maxParked + " waiting polls; "
          + "try again later").reply());
      return;
    }
    Watch watch = watches.get(waiter.id);
    if (watch != null && (waiter.joinId == null ? watch.hosts() >= Limits.MAX_HOST_POLLS
        : watch.clientsOf(waiter.joinId) >= Limits.MAX_CLIENT_POLLS)) {
      waiter.responder.send(Errors.tooManyPolls(waiter.joinId == null
          ? "session " + dev.p2ptunnel.signaling.api.SessionIds.display(waiter.id) + " already has "
              + Limits.MAX_HOST_POLLS + " host polls waiting"
          : "join request " + waiter.joinId + " already has " + Limits.MAX_CLIENT_POLLS + " polls waiting").reply());
      return;
    }
    if (watch == null) {
      watch = new Watch(store.watch(waiter.id));
      watches.put(waiter.id, watch);
    }
    if (watch.linger != null) {
      watch.linger.cancel(false);
      watch.linger = null;
    }
    watch.waiters.add(waiter);
    parked++;
    parkedSnapshot = parked;
    waiter.timeout = loop.schedule(() -> expire(waiter), Math.max(0, waiter.deadlineNs - System.nanoTime()),
        TimeUnit.NANOSECONDS);
    watch.ready.whenCompleteAsync((ok, error) -> {
      if (error != null) {
        finish(waiter, Front.failure(error));
      } else {
        read(waiter);
      }
    }, loop);
  }

  private void read(Waiter waiter) {
    if (waiter.done) {
      return;
    }
    waiter.reading = true;
    waiter.read(false).whenCompleteAsync((result, error) -> {
      waiter.reading = false;
      if (waiter.done) {
        return;
      }
      if (error != null) {
        finish(waiter, Front.failure(error));
      } else if (waiter.news(result)) {
        finish(waiter, result.reply());
      } else if (waiter.dirty) {
        waiter.dirty = false;
        read(waiter);
      }
    }, loop);
  }

  /** The wait is over: one last read (it also catches a change whose notice was lost) answers it. */
  private void expire(Waiter waiter) {
    if (waiter.done) {
      return;
    }
    waiter.read(true).whenCompleteAsync((result, error) -> finish(waiter, error != null ? Front.failure(error)
        : result.reply()), loop);
  }

  private void finish(Waiter waiter, Reply reply) {
    if (waiter.done) {
      return;
    }
    waiter.done = true;
    if (waiter.timeout != null) {
      waiter.timeout.cancel(false);
    }
    parked--;
    parkedSnapshot = parked;
    Watch watch = watches.get(waiter.id);
    if (watch != null) {
      watch.waiters.remove(waiter);
      if (watch.waiters.isEmpty() && !closed) {
        watch.linger = loop.schedule(() -> {
          if (watch.waiters.isEmpty() && watches.remove(waiter.id, watch)) {
            store.unwatch(waiter.id);
          }
        }, LINGER_MS, TimeUnit.MILLISECONDS);
      }
    }
    waiter.responder.send(reply);
  }

  @Override
  public void changed(String id, @Nullable Reply ended) {
    try {
      loop.execute(() -> {
        Watch watch = watches.get(id);
        if (watch == null) {
          return;
        }
        for (Waiter waiter : new ArrayList<>(watch.waiters)) {
          if (ended != null) {
            finish(waiter, ended);
          } else if (waiter.reading) {
            waiter.dirty = true;
          } else {
            read(waiter);
          }
        }
      });
    } catch (RejectedExecutionException e) {
      // closing: every waiter was answered
    }
  }

  @Override
  public void resync() {
    try {
      loop.execute(() -> {
        LOG.log(Level.INFO, "store notifications may have been lost: {0} waiting polls read again", parked);
        watches.keySet().forEach(id -> changed(id, null));
      });
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** Answers every waiting poll with 503 server_closing (clients try again elsewhere) and stops. */
  void close() {
    try {
      loop.submit(() -> {
        closed = true;
        for (Watch watch : new ArrayList<>(watches.values())) {
          for (Waiter waiter : new ArrayList<>(watch.waiters)) {
            finish(waiter, Errors.closing());
          }
        }
        watches.clear();
      }).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
        | RejectedExecutionException e) {
      LOG.log(Level.WARNING, "answering waiting polls at close failed", e);
    }
    loop.shutdownNow();
  }
}

package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.signaling.api.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import dev.p2ptunnel.webrtc.HostSignaling;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The host's side of HTTP signaling: {@link #create} makes a session on a signaling server and holds its
 * Session ID (to read out to the client) and host secret; it long-polls the server's event feed (joins, reveals,
 * withdrawals), re-polling after each idle wait, and hands each join out through {@link #nextJoin}; each
 * {@link JoinRequest}'s challenge, accept, reject and left post to the server. {@link #close()} stops polling and
 * deletes the session. Thread-safe: one thread of its own owns the queue of requests, the requests in progress and
 * the waiters.
 *
 * <p>HTTP: by default one {@link HttpClient} per session object, released by {@link #close()};
 * {@link Builder#httpClient} injects the app's own (proxy, TLS, executor), used as is and never closed. Feed polls
 * that fail for a passing reason are tried again as the {@link RetryPolicy} says; once it is spent the server counts
 * as unreachable, and the host keeps trying for as long as it lives (pauses doubling from 1 s up to
 * {@link Builder#maxRetryPause}, default 30 s, with jitter), telling its {@link SignalingStatusListener} once when the outage
 * begins and once when it ends; connected clients do not need the server and carry on. A session the server lost (it
 * restarted without its state, or expired it meanwhile) is created again under the same Session ID when the session
 * was made with a claim; without one the Session ID cannot be had again and the session ends saying so. Only a
 * refusal ends the session (wrong secret, closed or replaced by its host). Whoever creates it owns it: a {@link dev.p2ptunnel.webrtc.HostTunnel} given it closes it when the tunnel
 * closes, unless told otherwise ({@link dev.p2ptunnel.webrtc.HostOptions.Builder#closeSignaling}).
 */
public final class HttpHostSignaling implements HostSignaling {
  static final Duration POLL_WAIT = Duration.ofSeconds(25);
  static final Duration DELETE_TIMEOUT = Duration.ofSeconds(5);

  private final ServerCalls calls;
  private final String sessionId;
  private final int maxClients;
  private final byte @Nullable [] claim;
  private final Outage outage;
  private volatile String hostSecret; // replaced when the session is created again; written by the loop thread
  private final ScheduledThreadPoolExecutor loop;
  private final AtomicBoolean closed = new AtomicBoolean();
  // Owned by the loop thread:
  private final JoinFeed feed;
  private long after;
  private boolean polling;
  /** A pause of the outage runs: no poll until it ends. */
  private boolean pausing;
  private @Nullable Throwable ended;
  private volatile @Nullable Thread loopThread;

  private HttpHostSignaling(ServerCalls calls, String sessionId, String hostSecret, Builder b) {
    this.calls = calls;
    this.sessionId = sessionId;
    this.hostSecret = hostSecret;
    this.maxClients = b.maxClients;
    this.claim = b.claim == null ? null : b.claim.clone();
    this.outage = new Outage(b.maxRetryPause, b.jitter, System::nanoTime, b.status, calls.base() + " (session "
        + sessionId + ")");
    this.loop = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "p2p-host-signaling " + sessionId);
      thread.setDaemon(true);
      loopThread = thread;
      return thread;
    });
    loop.setRemoveOnCancelPolicy(true);
    this.feed = new JoinFeed(calls, sessionId, loop);
  }

  /** A session for one client on {@code server}. Blocks until the server answers. */
  public static HttpHostSignaling create(URI server) {
    return builder(server).create();
  }

  /** A session taking up to {@code maxClients} clients on {@code server}, with a random Session ID. */
  public static HttpHostSignaling create(URI server, int maxClients) {
    return builder(server).maxClients(maxClients).create();
  }

  /**
   * A session taking up to {@code maxClients} clients on {@code server}. Blocks until the server answers. With a
   * {@code claim} ({@link dev.p2ptunnel.webrtc.Identity#sessionClaim}) the Session ID is the one derived from it,
   * the same after every restart (a session of that ID still open on the server is replaced).
   *
   * @throws WebRtcException if the server is unreachable or refuses, with its message
   */
  public static HttpHostSignaling create(URI server, int maxClients, byte @Nullable [] claim) {
    Builder builder = builder(server).maxClients(maxClients);
    if (claim != null) {
      builder.claim(claim);
    }
    return builder.create();
  }

  /** A builder for a session on {@code server}; {@link Builder#create()} makes it. */
  public static Builder builder(URI server) {
    return new Builder(java.util.Objects.requireNonNull(server, "server"));
  }

  private static HttpHostSignaling create(Builder b) {
    ServerCalls calls = new ServerCalls(b.server, b.httpClient, b.retryPolicy, b.delayer);
    byte[] claim = b.claim;
    JsonNode created;
    try {
      created = calls.call("creating a session", "POST", "v1/sessions", null, createBody(b.maxClients, claim),
          ServerCalls.POLL_SLACK).get();
    } catch (InterruptedException e) {
      calls.close();
      Thread.currentThread().interrupt();
      throw new WebRtcException("creating a session: interrupted", e);
    } catch (ExecutionException e) {
      calls.close();
      Throwable cause = ServerCalls.cause(e.getCause());
      throw cause instanceof WebRtcException w ? w : new WebRtcException("creating a session: " + cause, cause);
    }
    HttpHostSignaling signaling = new HttpHostSignaling(calls, created.path("sessionId").asText(),
        created.path("hostSecret").asText(), b);
    signaling.loop.execute(signaling::poll); // the feed runs from now on: reveals and withdrawals must not wait
    return signaling;
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode createBody(int maxClients, byte @Nullable [] claim) {
    return claim == null ? JsonBodies.object().put("maxClients", maxClients) : JsonBodies.object()
        .put("maxClients", maxClients)
        .put("claim", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claim));
  }

  /** Builds and creates an {@link HttpHostSignaling}. Not thread-safe. */
  public static final class Builder {
    private final URI server;
    private int maxClients = 1;
    private byte @Nullable [] claim;
    private @Nullable HttpClient httpClient;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private ServerCalls.Delayer delayer = ServerCalls.Delayer.SCHEDULER;
    private Duration maxRetryPause = Outage.DEFAULT_CAP;
    private SignalingStatusListener status = new SignalingStatusListener() {};
    private java.util.function.DoubleSupplier jitter = () -> java.util.concurrent.ThreadLocalRandom.current()
        .nextDouble();

    private Builder(URI server) {
      this.server = server;
    }

    /** How many clients the session takes at once (>= 1); default 1. */
    public Builder maxClients(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxClients: " + value + " (expected: >= 1)");
      }
      maxClients = value;
      return this;
    }

    /** A stable Session ID derived from {@link dev.p2ptunnel.webrtc.Identity#sessionClaim}; default: random. */
    public Builder claim(byte[] value) {
      claim = value.clone();
      return this;
    }

    /**
     * The app's HTTP client (proxy, TLS, executor: its executor runs the replies' handling); used as is, never
     * closed. Default: one of our own (HTTP/1.1, 10 s connect timeout, no redirects), released by close().
     */
    public Builder httpClient(HttpClient value) {
      httpClient = java.util.Objects.requireNonNull(value, "httpClient");
      return this;
    }

    /** How feed polls are tried again; default {@link RetryPolicy#defaults()}. */
    public Builder retryPolicy(RetryPolicy value) {
      retryPolicy = java.util.Objects.requireNonNull(value, "retryPolicy");
      return this;
    }

    /** Tests: how the pause before a retry is waited. */
    Builder delayer(ServerCalls.Delayer value) {
      delayer = value;
      return this;
    }

    /** Tests: where the outage pauses' jitter in [0, 1] comes from. */
    Builder jitter(java.util.function.DoubleSupplier value) {
      jitter = value;
      return this;
    }

    /**
     * The longest pause between two tries while the server is unreachable (1 s to 1 h); default 30 s. The host never
     * stops trying on its own: only close() or a refusal ends the session.
     */
    public Builder maxRetryPause(Duration value) {
      java.util.Objects.requireNonNull(value, "maxRetryPause");
      if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("maxRetryPause: " + value + " (expected: 1 s to 1 h)");
      }
      maxRetryPause = value;
      return this;
    }

    /** Who is told when the server becomes unreachable and when it is back; default nobody. */
    public Builder statusListener(SignalingStatusListener value) {
      status = java.util.Objects.requireNonNull(value, "statusListener");
      return this;
    }

    /**
     * Creates the session on the server. Blocks until the server answers.
     *
     * @throws WebRtcException if the server is unreachable or refuses, with its message
     */
    public HttpHostSignaling create() {
      return HttpHostSignaling.create(this);
    }
  }

  /** The Session ID to give the client, {@code XXXX-XXXX-…}. */
  public String sessionId() {
    return sessionId;
  }

  /** Since when the signaling server cannot be reached, or null while it can (for a status line). Thread-safe. */
  public java.time.@Nullable Instant unreachableSince() {
    return outage.since();
  }

  @Override
  public CompletableFuture<JoinRequest> nextJoin() {
    CompletableFuture<JoinRequest> taker = new CompletableFuture<>();
    try {
      loop.execute(() -> {
        if (ended != null) {
          taker.completeExceptionally(ended);
          return;
        }
        feed.take(taker);
        feed.deliver();
        poll();
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      taker.completeExceptionally(new WebRtcException("signaling closed"));
    }
    return taker;
  }

  private boolean inLoop() {
    return Thread.currentThread() == loopThread;
  }

  /** Starts a poll unless one runs. */
  private void poll() {
    assert inLoop();
    if (polling || pausing || ended != null || closed.get()) {
      return;
    }
    polling = true;
    String what = "waiting for join requests in session " + sessionId;
    String path = "v1/sessions/" + sessionId + "/events?after=" + after + "&wait=" + POLL_WAIT.toSeconds();
    Duration timeout = POLL_WAIT.plus(ServerCalls.POLL_SLACK);
    // During an outage each try is one call: the outage's own pauses space them.
    (outage.active() ? calls.call(what, "GET", path, hostSecret, null, timeout)
        : calls.retrying(what, "GET", path, hostSecret, timeout)).whenCompleteAsync(this::onPoll, loop);
  }

  private void onPoll(@Nullable JsonNode body, @Nullable Throwable error) {
    polling = false;
    if (ended != null) {
      return;
    }
    if (error != null) {
      Throwable cause = ServerCalls.cause(error);
      if (closed.get()) {
        end(cause);
      } else if (ServerCalls.passing(cause)) {
        unreachable(cause);
      } else if (Outage.lost(cause)) {
        renew(cause);
      } else {
        end(cause); // the server refused: wrong secret, closed or replaced by its host
      }
      return;
    }
    outage.ended(false);
    for (JsonNode event : body.path("events")) {
      long seq = event.path("seq").asLong();
      if (seq > after) {
        after = seq;
        feed.onEvent(event, hostSecret);
      }
    }
    feed.deliver();
    poll();
  }

  /** The server is unreachable: try again after the outage's next pause (the outage tells the listener once). */
  private void unreachable(Throwable cause) {
    assert inLoop();
    Duration pause = outage.failed(cause);
    pausing = true;
    calls.delayer().after(pause, () -> {
      try {
        loop.execute(() -> {
          pausing = false;
          poll();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed meanwhile
      }
    });
  }

  /**
   * Creates the lost session again under its claimed Session ID (a new host secret; the feed starts over). Joins in
   * progress there are gone with it; connected clients carry on, and their next ICE restart or rejoin finds the new
   * session. Without a claim the ID cannot be had again: the session ends, saying so.
   */
  private void renew(Throwable cause) {
    assert inLoop();
    if (claim == null) {
      end(new WebRtcException("the signaling server " + calls.base() + " lost session " + sessionId + " ("
          + cause.getMessage() + ") and a random Session ID cannot be taken again: a host that must keep its Session "
          + "ID across server restarts makes it from a claim (the demo: --session-name)", cause));
      return;
    }
    polling = true;
    calls.call("creating session " + sessionId + " again", "POST", "v1/sessions", null, createBody(maxClients, claim),
        ServerCalls.POLL_SLACK).whenCompleteAsync((created, error) -> {
          polling = false;
          if (ended != null) {
            return;
          }
          if (error != null) {
            Throwable why = ServerCalls.cause(error);
            if (!closed.get() && ServerCalls.passing(why)) {
              unreachable(why);
            } else {
              end(why);
            }
            return;
          }
          hostSecret = created.path("hostSecret").asText();
          after = 0;
          outage.ended(true);
          feed.deliver();
          poll();
        }, loop);
  }

  private void end(Throwable why) {
    assert inLoop();
    ended = why;
    feed.end(why);
  }

  /** Stops polling, fails waiting {@link #nextJoin} calls, and deletes the session (waiting up to 5 s). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (inLoop()) {
        // close() from a callback of a nextJoin future, which completes on the loop thread
        end(new WebRtcException("signaling closed"));
      } else {
        loop.submit(() -> end(new WebRtcException("signaling closed"))).get(DELETE_TIMEOUT.toMillis(),
            TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the session is deleted below all the same
    }
    loop.shutdownNow();
    try {
      calls.call("deleting session " + sessionId, "DELETE", "v1/sessions/" + sessionId, hostSecret, null,
          DELETE_TIMEOUT).get(DELETE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // expired or unreachable: nothing is left to delete, or nothing can be done
    }
    calls.close();
  }
}

package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.Signaling;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client's side of HTTP signaling: {@link #join} posts a join request (name, offer, commitment) to a Session ID
 * on a signaling server ({@code p2p-signaling}), then long-polls for the host's challenge, posts the reveal and long-polls for the
 * decision (docs/SIGNALING.md). A refusal by the host, or a session whose clients are all connected, fails with
 * {@link dev.p2ptunnel.webrtc.JoinRejectedException}; an unknown or ended session, a host that does not answer and
 * other errors fail with a {@link dev.p2ptunnel.webrtc.WebRtcException} carrying the server's message. Thread-safe;
 * each join is independent.
 *
 * <p>HTTP: by default one {@link HttpClient} per {@code HttpSignaling}, built on the first join (the constructor
 * starts no thread) and released by {@link #close()}; {@link Builder#httpClient} injects the app's own (proxy, TLS,
 * executor), which is used as is and never closed. Polls that fail for a passing reason are tried again as the
 * {@link RetryPolicy} says. A {@link dev.p2ptunnel.webrtc.ClientTunnel} never closes the signaling it was given: its
 * creator does, once no join needs it.
 */
public final class HttpSignaling implements Signaling, AutoCloseable {
  static final Duration POLL_WAIT = Duration.ofSeconds(25);
  /** A host of ours challenges a paired join at once; silence this long means it is not there. */
  static final Duration FIRST_REPLY_TIMEOUT = Duration.ofSeconds(45);

  private final ServerCalls calls;
  private final String sessionId;
  private final Duration requestTimeout;

  /**
   * @param server the signaling server, e.g. {@code https://signal.example.org/}
   * @param sessionId as the host read it out: case, dashes and spaces do not matter
   * @throws IllegalArgumentException if {@code sessionId} cannot be a Session ID or {@code server} is not http(s)
   */
  public HttpSignaling(URI server, String sessionId) {
    this(builder(server, sessionId));
  }

  private HttpSignaling(Builder builder) {
    this.calls = new ServerCalls(builder.server, builder.httpClient, builder.retryPolicy, builder.delayer);
    this.sessionId = ServerCalls.sessionId(builder.sessionId);
    this.requestTimeout = builder.requestTimeout;
  }

  /**
   * A builder for the client of {@code sessionId} on {@code server} (see {@link #HttpSignaling(URI, String)}).
   *
   * @throws IllegalArgumentException if {@code sessionId} cannot be a Session ID or {@code server} is not http(s)
   */
  public static Builder builder(URI server, String sessionId) {
    Objects.requireNonNull(server, "server");
    ServerCalls.sessionId(Objects.requireNonNull(sessionId, "sessionId"));
    return new Builder(server, sessionId);
  }

  /**
   * Loads and runs the JSON library once (~150 ms of class loading on its first use, docs/PERFORMANCE.md): an app
   * may call this on a thread of its own while it does other start-up work (the demo does it during ICE gathering),
   * so that the join request does not pay it. Blocks; starts no thread; optional.
   */
  public static void warmUp() {
    ServerCalls.warmUp();
  }

  /**
   * {@link #warmUp()}, and before it builds the HTTP client that the next {@code HttpSignaling} or
   * {@link HttpHostSignaling} without an injected client, for a server of {@code server}'s scheme (http or https),
   * takes instead of building its own on its first call (~120–220 ms on a JVM's first), and then sends that client's
   * first request, one {@code GET healthz} relative to the server's path (its answer ignored; at most 2 s), so that
   * the first signaling call finds the HTTP client's request path loaded and a connection open. For an app that
   * knows the server before it is ready to use it: the demo calls this on a thread of its own before it parses its
   * command line. One such client at a time; one that nobody takes keeps an idle daemon thread (the JDK client's
   * selector). Blocks; optional.
   */
  public static void warmUp(URI server) {
    OwnClients.warmUp(Objects.requireNonNull(server, "server"));
  }

  /**
   * Builds this object's HTTP client (when none was injected; ~120–160 ms on its first creation in a JVM) and loads
   * the JSON library ({@link #warmUp()}), which the first join would otherwise pay after ICE gathering. Blocks; an app
   * calls it on a thread of its own while the tunnel starts (the demo does). Optional; idempotent.
   */
  public void prepare() {
    calls.prepare();
    warmUp();
  }

  /**
   * Cancels the calls in flight (joins still waiting fail) and releases the HTTP client if this object built it;
   * an injected client is left open. Idempotent.
   */
  @Override
  public void close() {
    calls.close();
  }

  /** The Session ID in canonical display form ({@code XXXX-XXXX-…}). */
  public String sessionId() {
    return sessionId;
  }

  /** The server and the Session ID: {@code http://host:port/#XXXX-…}, the key of this host in known hosts. */
  @Override
  public String hostKey() {
    return calls.base() + "#" + sessionId;
  }

  @Override
  public ClientJoin join(JoinOffer offer) {
    HttpClientJoin join = new HttpClientJoin(calls, sessionId, offer.paired(), requestTimeout);
    join.start(offer);
    return join;
  }

  /** Builds an {@link HttpSignaling}. Not thread-safe. */
  public static final class Builder {
    private final URI server;
    private final String sessionId;
    private @Nullable HttpClient httpClient;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private ServerCalls.Delayer delayer = ServerCalls.Delayer.SCHEDULER;
    private Duration requestTimeout = ServerCalls.REQUEST_TIMEOUT;

    private Builder(URI server, String sessionId) {
      this.server = server;
      this.sessionId = sessionId;
    }

    /**
     * The app's HTTP client (proxy, TLS, executor: its executor runs the replies' handling); used as is, never
     * closed. Default: one of our own (HTTP/1.1, 10 s connect timeout, no redirects), released by close().
     */
    public Builder httpClient(HttpClient value) {
      httpClient = Objects.requireNonNull(value, "httpClient");
      return this;
    }

    /** How polls are tried again; default {@link RetryPolicy#defaults()}. */
    public Builder retryPolicy(RetryPolicy value) {
      retryPolicy = Objects.requireNonNull(value, "retryPolicy");
      return this;
    }

    /** Tests: how the pause before a retry is waited. */
    Builder delayer(ServerCalls.Delayer value) {
      delayer = value;
      return this;
    }

    /** Tests whose subject is not the default: how long a join request or a reveal may go unanswered. */
    Builder requestTimeout(Duration value) {
      requestTimeout = value;
      return this;
    }

    /** The signaling; starts no thread. */
    public HttpSignaling build() {
      return new HttpSignaling(this);
    }
  }
}

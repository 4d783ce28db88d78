package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.Signaling;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The client's side of HTTP signaling: {@link #join} posts a join request (name, offer, commitment) to a Session ID
 * on a signaling server ({@code p2p-signaling}), then long-polls for the host's challenge, posts the reveal and long-polls for the
 * decision (docs/SIGNALING.md). A refusal by the host, or a session whose clients are all connected, fails with
 * {@link dev.p2ptunnel.webrtc.JoinRejectedException}; an unknown or ended session, a host that does not answer and
 * other errors fail with a {@link dev.p2ptunnel.webrtc.WebRtcException} carrying the server's message. Thread-safe;
 * each join is independent.
 */
public final class HttpSignaling implements Signaling {
  static final Duration POLL_WAIT = Duration.ofSeconds(25);
  static final int MAX_TRANSIENT_FAILURES = 3;
  static final long RETRY_DELAY_MS = 1_000;
  /** A host of ours challenges a paired join at once; silence this long means it is not there. */
  static final Duration FIRST_REPLY_TIMEOUT = Duration.ofSeconds(45);

  private final ServerCalls calls;
  private final String sessionId;

  /**
   * @param server the signaling server, e.g. {@code https://signal.example.org/}
   * @param sessionId as the host read it out: case, dashes and spaces do not matter
   * @throws IllegalArgumentException if {@code sessionId} cannot be a Session ID or {@code server} is not http(s)
   */
  public HttpSignaling(URI server, String sessionId) {
    this.calls = new ServerCalls(Objects.requireNonNull(server, "server"));
    // First used after ICE gathering: warm it meanwhile, not earlier, when the HTTP client and libwebrtc load
    // already share the CPU (docs/PERFORMANCE.md, setup).
    ServerCalls.warmUpInBackground();
    this.sessionId = ServerCalls.sessionId(sessionId);
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
    HttpClientJoin join = new HttpClientJoin(calls, sessionId, offer.paired());
    join.start(offer);
    return join;
  }
}

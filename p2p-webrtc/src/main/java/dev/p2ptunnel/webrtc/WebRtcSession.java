package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.internal.Futures;
import dev.p2ptunnel.webrtc.internal.PeerSession;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One WebRTC peer connection with its single negotiated DataChannel ({@code "data"}, id 0, ordered, reliable), and
 * the native objects behind it: each session has its own libwebrtc factory (and threads), released when it closes.
 * Thread-safe.
 *
 * <p>Offerer: {@link #offer} → {@link #localDescription()} to the peer → {@link #acceptAnswer} with the peer's
 * answer → {@link #dataChannel}. Answerer: {@link #answer} with the peer's offer → {@link #localDescription()} to
 * the peer → {@link #dataChannel}. Or let {@link Signaling} carry the descriptions: {@link #offer(WebRtcConfig,
 * Signaling)} on the client, {@link #answer(WebRtcConfig, JoinRequest)} on the host.
 *
 * <p>The session closes exactly once, with a reason, when: {@link #close()} is called, the channel is closed
 * ({@link MessageChannel#close}), the peer closes its side, the connection fails or stays disconnected past
 * {@link WebRtcConfig#disconnectTimeout()}, or a setup step fails or times out.
 *
 * <p>The futures this returns complete on the session's own thread: stages chained on them must not block (hand
 * longer work to an executor of your own).
 */
public interface WebRtcSession extends AutoCloseable {

  /**
   * Loads libwebrtc's native library now, on the calling thread, instead of in the first session: the load takes
   * ~140 ms on the reference machine (docs/PERFORMANCE.md), creating a session after it ~2 ms. An application
   * that will open a session soon can call this from a thread of its own at startup, so that the load overlaps
   * its other startup work. Idempotent and thread-safe.
   *
   * @throws WebRtcException if the library cannot be loaded (the first session would fail the same way)
   */
  static void preload() {
    PeerSession.preload();
  }

  /** Starts an offering session: creates the connection and begins gathering; does not wait. */
  static WebRtcSession offer(WebRtcConfig config) {
    return PeerSession.offer(config);
  }

  /**
   * Starts an answering session for the peer's offer: applies it and begins gathering; does not wait for that.
   *
   * @throws InvalidDescriptionException if {@code remoteOffer} is not an offer or libwebrtc cannot parse it (the
   *     session is closed and released before this is thrown)
   */
  static WebRtcSession answer(WebRtcConfig config, SessionDescription remoteOffer) {
    return PeerSession.answer(config, remoteOffer);
  }

  /** An offering session whose DTLS certificate is {@code identity}'s (a stable fingerprint). */
  static WebRtcSession offer(WebRtcConfig config, Identity identity) {
    return PeerSession.offer(config, identity);
  }

  /** An answering session whose DTLS certificate is {@code identity}'s; see {@link #answer(WebRtcConfig, SessionDescription)}. */
  static WebRtcSession answer(WebRtcConfig config, SessionDescription remoteOffer, Identity identity) {
    return PeerSession.answer(config, remoteOffer, identity);
  }

  /**
   * Joins through {@code signaling} as a plain client named {@code "client"} (no pairing extension, so no code),
   * applies the answer and waits until the channel is open; the returned session is {@linkplain SessionState#OPEN
   * open}. Closes the session if any step fails. {@link Tunnel#client} does the full join with the code.
   */
  static WebRtcSession offer(WebRtcConfig config, Signaling signaling) {
    WebRtcSession session = offer(config);
    try {
      HostReply reply = Futures.await(signaling.join(new JoinOffer("client", session.localDescription(), null))
          .firstReply(), config.connectTimeout(), "answer from signaling");
      if (!(reply instanceof JoinAnswer answer)) {
        throw new WebRtcException("the host challenged a plain join (expected: an answer)");
      }
      session.acceptAnswer(answer.answer());
      session.dataChannel(config.connectTimeout());
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /**
   * Answers a client's join request at once, without a challenge or a code: creates the answering session for its
   * offer, accepts the request with the complete answer, and waits until the channel is open. Closes the session if
   * any step fails. {@link Tunnel#host} does the full join with approval and code.
   */
  static WebRtcSession answer(WebRtcConfig config, JoinRequest request) {
    WebRtcSession session = answer(config, request.offer().offer());
    try {
      Futures.await(request.accept(JoinAnswer.of(session.localDescription())), config.connectTimeout(),
          "answer delivery through signaling");
      session.dataChannel(config.connectTimeout());
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /**
   * The complete local description, once ICE gathering is complete or {@link WebRtcConfig#gatheringTimeout()} has
   * passed (then it holds the candidates gathered so far). Blocks; must not be called from a session callback.
   *
   * @throws WebRtcException if gathering found no candidate in time or the session closed first
   */
  SessionDescription localDescription();

  /** The same as {@link #localDescription()}, without blocking. */
  CompletableFuture<SessionDescription> localDescriptionAsync();

  /**
   * Offerer only: applies the peer's answer; the connection then forms in the background.
   *
   * @throws InvalidDescriptionException if {@code answer} is not an answer or cannot be parsed (the session closes)
   * @throws IllegalStateException if this session is the answerer or an answer was already applied
   */
  void acceptAnswer(SessionDescription answer);

  /**
   * The open DataChannel, as a {@link MessageChannel}; the same object on every call. Blocks until it is open;
   * must not be called from a session callback.
   *
   * @throws WebRtcException if it does not open within {@code timeout} (the session stays as it is) or the session
   *     closed first (with its reason)
   */
  MessageChannel dataChannel(Duration timeout);

  /** The same as {@link #dataChannel(Duration)}, without blocking; completes exceptionally if the session closes. */
  CompletableFuture<MessageChannel> dataChannelAsync();

  /** The current state. */
  SessionState state();

  /**
   * Completes with the close reason once the session has closed and released its native objects; never completes
   * exceptionally.
   */
  CompletableFuture<String> closed();

  /** Whether the selected candidate pair is direct or relayed (from libwebrtc's stats); fails if not connected. */
  CompletableFuture<PathType> path();

  /**
   * Attaches a plugin until the session closes (or the returned handle is closed); plugins compose, and one that
   * throws is detached and logged without affecting the session.
   */
  AutoCloseable install(SessionPlugin plugin);

  /** Closes with reason {@code "closed locally"}. */
  @Override
  void close();

  /**
   * Closes the session, idempotently, from any thread. Called from a session callback, it only starts the close;
   * elsewhere it returns once the native objects are released (at most a few seconds).
   */
  void close(String reason);
}

package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.p2ptunnel.webrtc.InvalidDescriptionException;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * ICE restarts of one session (RFC 8445 §9): a new offer with new ICE credentials from the offerer, answered by the
 * peer through the signaling the session was made with, on the existing peer connection, so that a new path is found
 * while DTLS, SCTP and the DataChannel stay (measured: nothing queued is lost). Vanilla ICE like the first exchange:
 * each description is handed out once gathering is complete, or after the gathering timeout with what was gathered.
 *
 * <p>One negotiation at a time; a newer one supersedes an older one, whose late answer is then ignored. The entry
 * points ({@link #startOffer}, {@link #acceptAnswer}, {@link #answerRestart}) may be called from any thread and hop
 * to the session thread; every other method runs on the session thread (the callbacks hop there too), which owns the
 * negotiation's state; the futures complete there.
 */
final class IceRestarts {
  private final PeerSession session;
  private final RTCPeerConnection pc;
  private final Duration gatheringTimeout;
  /** Increases with every negotiation started; callbacks of older ones are ignored. */
  private long generation;
  private @Nullable CompletableFuture<SessionDescription> gathering;
  private SessionDescription.Type gatheringType = SessionDescription.Type.OFFER;
  private @Nullable Future<?> gatheringTimer;
  /** The ICE user fragment of the description being gathered: a COMPLETE is ours only if the local one has it. */
  private @Nullable String gatheringUfrag;

  IceRestarts(PeerSession session, RTCPeerConnection pc, Duration gatheringTimeout) {
    this.session = session;
    this.pc = pc;
    this.gatheringTimeout = gatheringTimeout;
  }

  /** An ICE restart offer and the number to give back with its answer. */
  record RestartOffer(SessionDescription offer, long generation) {}

  /** Offerer, any thread: a new offer that restarts ICE on this connection, once gathered. */
  CompletableFuture<RestartOffer> startOffer() {
    CompletableFuture<RestartOffer> result = new CompletableFuture<>();
    if (!session.onSessionThread(() -> {
      CompletableFuture<SessionDescription> offer = new CompletableFuture<>();
      long number = generation + 1;
      offer(offer);
      offer.whenComplete((description, error) -> {
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(new RestartOffer(description, number));
        }
      });
    })) {
      result.completeExceptionally(session.closedFailure());
    }
    return result;
  }

  /** Offerer, any thread: applies the peer's answer to the restart offer of {@code forGeneration}. */
  CompletableFuture<Void> acceptAnswer(SessionDescription answer, long forGeneration) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (!session.onSessionThread(() -> answer(answer, forGeneration, result))) {
      result.completeExceptionally(session.closedFailure());
    }
    return result;
  }

  /** Answerer, any thread: applies the peer's ICE restart offer and returns the answer, once gathered. */
  CompletableFuture<SessionDescription> answerRestart(SessionDescription offer) {
    CompletableFuture<SessionDescription> result = new CompletableFuture<>();
    if (offer.type() != SessionDescription.Type.OFFER) {
      result.completeExceptionally(new InvalidDescriptionException(
          "ICE restart: " + offer.type() + " (expected: OFFER)"));
      return result;
    }
    if (!session.onSessionThread(() -> answerOffer(offer, result))) {
      result.completeExceptionally(session.closedFailure());
    }
    return result;
  }

  /** Offerer: a new offer that restarts ICE; completes with it once gathered. Session thread. */
  private void offer(CompletableFuture<SessionDescription> result) {
    long number = begin(result, SessionDescription.Type.OFFER);
    RTCOfferOptions options = new RTCOfferOptions();
    options.iceRestart = true;
    pc.createOffer(options, new Created(number, result));
  }

  /** Offerer: applies the peer's answer to the latest restart offer. Session thread. */
  private void answer(SessionDescription answer, long forGeneration, CompletableFuture<Void> result) {
    if (forGeneration != generation) {
      result.completeExceptionally(new WebRtcException("an answer to an older ICE restart offer; ignored"));
      return;
    }
    setRemote(new RTCSessionDescription(RTCSdpType.ANSWER, answer.sdp()), result);
  }

  /** Answerer: applies the peer's restart offer and answers it; completes with the answer once gathered. */
  private void answerOffer(SessionDescription offer, CompletableFuture<SessionDescription> result) {
    long number = begin(result, SessionDescription.Type.ANSWER);
    CompletableFuture<Void> applied = new CompletableFuture<>();
    setRemote(new RTCSessionDescription(RTCSdpType.OFFER, offer.sdp()), applied);
    applied.whenComplete((ok, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else if (number == generation) {
        pc.createAnswer(new RTCAnswerOptions(), new Created(number, result));
      }
    });
  }

  /** Gathering of the current negotiation completed (the session heard COMPLETE). Session thread. */
  void gatheringComplete() {
    CompletableFuture<SessionDescription> pending = gathering;
    RTCSessionDescription local = pc.getLocalDescription();
    String ufrag = gatheringUfrag;
    if (pending != null && local != null && ufrag != null && ufrag.equals(ufrag(local.sdp))) {
      finish(pending, local);
    }
  }

  /** The session closes: a negotiation in progress fails. */
  void closed(String reason) {
    CompletableFuture<SessionDescription> pending = gathering;
    if (pending != null) {
      pending.completeExceptionally(new WebRtcException("the session closed: " + reason));
    }
  }

  private long begin(CompletableFuture<SessionDescription> result, SessionDescription.Type type) {
    CompletableFuture<SessionDescription> previous = gathering;
    if (previous != null) {
      previous.completeExceptionally(new WebRtcException("superseded by a newer ICE restart"));
    }
    cancelTimer();
    generation++;
    gathering = result;
    gatheringType = type;
    return generation;
  }

  /** The first {@code a=ice-ufrag:} value of {@code sdp}, or null. */
  static @Nullable String ufrag(String sdp) {
    int at = sdp.indexOf("a=ice-ufrag:");
    if (at < 0) {
      return null;
    }
    int end = at + "a=ice-ufrag:".length();
    while (end < sdp.length() && sdp.charAt(end) != '\r' && sdp.charAt(end) != '\n') {
      end++;
    }
    return sdp.substring(at + "a=ice-ufrag:".length(), end);
  }

  private void finish(CompletableFuture<SessionDescription> pending, RTCSessionDescription local) {
    cancelTimer();
    gathering = null;
    gatheringUfrag = null;
    pending.complete(new SessionDescription(gatheringType, local.sdp));
  }

  private void cancelTimer() {
    Future<?> timer = gatheringTimer;
    if (timer != null) {
      timer.cancel(false);
      gatheringTimer = null;
    }
  }

  private void setRemote(RTCSessionDescription remote, CompletableFuture<Void> result) {
    try {
      pc.setRemoteDescription(remote, new SetSessionDescriptionObserver() {
        @Override
        public void onSuccess() {
          try {
            session.onSessionThread(() -> result.complete(null));
          } catch (Throwable t) {
            session.callbackFailed("ICE restart setRemoteDescription onSuccess", t);
          }
        }

        @Override
        public void onFailure(String error) {
          try {
            session.onSessionThread(() -> result.completeExceptionally(new InvalidDescriptionException(
                "ICE restart: remote " + remote.sdpType.name().toLowerCase(java.util.Locale.ROOT)
                    + " rejected by libwebrtc: " + error)));
          } catch (Throwable t) {
            session.callbackFailed("ICE restart setRemoteDescription onFailure", t);
          }
        }
      });
    } catch (Throwable t) { // 0.14.0 throws java.lang.Error synchronously for SDP it cannot parse
      result.completeExceptionally(new InvalidDescriptionException("ICE restart: remote description is malformed: "
          + t.getMessage(), t));
    }
  }

  /** createOffer/createAnswer of a restart: set it as the local description, then wait for the gathering. */
  private final class Created implements CreateSessionDescriptionObserver {
    private final long number;
    private final CompletableFuture<SessionDescription> result;

    Created(long number, CompletableFuture<SessionDescription> result) {
      this.number = number;
      this.result = result;
    }

    @Override
    public void onSuccess(RTCSessionDescription description) {
      try {
        session.onSessionThread(() -> created(description));
      } catch (Throwable t) {
        session.callbackFailed("ICE restart createOffer/createAnswer onSuccess", t);
      }
    }

    private void created(RTCSessionDescription description) {
      if (number != generation) {
        return;
      }
      gatheringUfrag = ufrag(description.sdp);
      pc.setLocalDescription(description, new SetSessionDescriptionObserver() {
        @Override
        public void onSuccess() {}

        @Override
        public void onFailure(String error) {
          try {
            session.onSessionThread(() -> result.completeExceptionally(new WebRtcException(
                "ICE restart: setLocalDescription failed: " + error)));
          } catch (Throwable t) {
            session.callbackFailed("ICE restart setLocalDescription onFailure", t);
          }
        }
      });
      gatheringTimer = session.schedule(() -> {
        if (number == generation && gathering == result) {
          RTCSessionDescription local = pc.getLocalDescription();
          if (local == null || !local.sdp.contains("a=candidate:")) {
            result.completeExceptionally(new WebRtcException("ICE restart: gathering found no candidate within "
                + gatheringTimeout));
            gathering = null;
          } else {
            finish(result, local); // what was gathered: a path may come back with fewer candidates
          }
        }
      }, gatheringTimeout.toNanos());
    }

    @Override
    public void onFailure(String error) {
      try {
        session.onSessionThread(() -> result.completeExceptionally(new WebRtcException("ICE restart: creating the "
            + "description failed: " + error)));
      } catch (Throwable t) {
        session.callbackFailed("ICE restart createOffer/createAnswer onFailure", t);
      }
    }
  }
}

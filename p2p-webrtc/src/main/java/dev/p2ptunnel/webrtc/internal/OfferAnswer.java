package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.p2ptunnel.webrtc.InvalidDescriptionException;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.SessionState;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first offer/answer exchange of one {@link PeerSession} (vanilla ICE): creates the offer or the answer, sets it
 * as the local description and hands it out once it holds what {@link GatheringGoal} asks for, or once gathering is
 * complete, or after the gathering timeout with what was gathered; applies the peer's description and starts the connect timeout. Later exchanges, which restart ICE, are
 * {@link IceRestarts}'.
 *
 * <p>Threads: the futures are thread-safe; the control calls and the timers run on the session thread, libwebrtc's
 * callbacks (signaling thread) only hop there. Applying the remote description waits for libwebrtc on the caller's
 * thread, never on a callback thread.
 */
final class OfferAnswer {
  private final PeerSession session;
  private final SessionThread thread;
  private final RTCPeerConnection pc;
  private final WebRtcConfig config;
  private final boolean offerer;
  private final DataChannelMessageChannel channel;
  private final SessionChannels channels;
  private final IceRestarts restarts;
  private final CompletableFuture<SessionDescription> localDescription = new CompletableFuture<>();
  private final CompletableFuture<Void> remoteApplied = new CompletableFuture<>();
  private final AtomicBoolean remoteGiven = new AtomicBoolean();
  private final GatheringGoal goal; // session thread

  OfferAnswer(PeerSession session, SessionThread thread, RTCPeerConnection pc, WebRtcConfig config, boolean offerer,
      DataChannelMessageChannel channel, SessionChannels channels, IceRestarts restarts) {
    this.session = session;
    this.thread = thread;
    this.pc = pc;
    this.config = config;
    this.offerer = offerer;
    this.channel = channel;
    this.channels = channels;
    this.restarts = restarts;
    this.goal = new GatheringGoal(config);
  }

  /** Offerer: creates the offer, on the session thread. */
  void offer() {
    thread.execute(() -> pc.createOffer(new RTCOfferOptions(), new Created()));
  }

  /** Answerer, caller's thread: applies the peer's offer (failures close the session), then creates the answer. */
  void answer(SessionDescription remoteOffer) {
    applyRemote(remoteOffer, RTCSdpType.OFFER);
    remoteApplied.thenRun(() -> thread.execute(() -> pc.createAnswer(new RTCAnswerOptions(), new Created())));
  }

  /** Offerer, caller's thread: applies the peer's answer, once; see {@link PeerSession#acceptAnswer}. */
  void acceptAnswer(SessionDescription answer) {
    if (!remoteGiven.compareAndSet(false, true)) {
      throw new IllegalStateException(session.name() + ": an answer was already applied");
    }
    applyRemote(answer, RTCSdpType.ANSWER);
  }

  /** The local description, complete once gathered; fails when the session closes first. */
  CompletableFuture<SessionDescription> localDescription() {
    return localDescription;
  }

  /** Session thread, teardown: whatever is still pending fails with {@code failure}. */
  void closed(WebRtcException failure) {
    localDescription.completeExceptionally(failure);
    remoteApplied.completeExceptionally(failure);
  }

  /** Caller's thread: applies the remote description; parse errors fail remoteApplied and close the session. */
  private void applyRemote(SessionDescription remote, RTCSdpType type) {
    String what = "remote " + remote.type().name().toLowerCase(java.util.Locale.ROOT);
    channel.remoteDescription(remote.sdp());
    thread.execute(() -> {
      try {
        pc.setRemoteDescription(new RTCSessionDescription(type, remote.sdp()), new SetSessionDescriptionObserver() {
          @Override
          public void onSuccess() {
            try {
              thread.noteCallbackThread();
              SetupTrace.step(session.name(), what + " applied");
              thread.execute(() -> {
                remoteApplied.complete(null);
                thread.schedule(channels::connectTimedOut, config.connectTimeout().toNanos());
              });
            } catch (Throwable t) {
              session.callbackFailed("setRemoteDescription onSuccess", t);
            }
          }

          @Override
          public void onFailure(String error) {
            try {
              thread.noteCallbackThread();
              thread.execute(() -> remoteApplied.completeExceptionally(
                  new InvalidDescriptionException(what + " rejected by libwebrtc: " + error)));
            } catch (Throwable t) {
              session.callbackFailed("setRemoteDescription onFailure", t);
            }
          }
        });
      } catch (Throwable t) { // 0.14.0 throws java.lang.Error synchronously for SDP it cannot parse
        remoteApplied.completeExceptionally(
            new InvalidDescriptionException(what + " is malformed: " + t.getMessage(), t));
      }
    });
    try {
      Futures.await(remoteApplied, config.connectTimeout(), "applying the " + what);
    } catch (RuntimeException e) {
      String message = e.getMessage();
      session.close(message == null ? e.toString() : message);
      throw e;
    }
  }

  /** createOffer/createAnswer result: set it as the local description and bound the gathering. */
  private final class Created implements CreateSessionDescriptionObserver {
    @Override
    public void onSuccess(RTCSessionDescription description) {
      try {
        thread.noteCallbackThread();
        SetupTrace.step(session.name(), offerer ? "offer created" : "answer created");
        thread.execute(() -> {
          pc.setLocalDescription(description, new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
              SetupTrace.step(session.name(), "local description set, gathering");
            }

            @Override
            public void onFailure(String error) {
              try {
                session.closeAsync("setLocalDescription failed: " + error);
              } catch (Throwable t) {
                session.callbackFailed("setLocalDescription onFailure", t);
              }
            }
          });
          thread.schedule(OfferAnswer.this::gatheringTimedOut, config.gatheringTimeout().toNanos());
        });
      } catch (Throwable t) {
        session.callbackFailed("createOffer/createAnswer onSuccess", t);
      }
    }

    @Override
    public void onFailure(String error) {
      try {
        session.closeAsync((offerer ? "createOffer" : "createAnswer") + " failed: " + error);
      } catch (Throwable t) {
        session.callbackFailed("createOffer/createAnswer onFailure", t);
      }
    }
  }

  /** Signaling thread: the gathering state changed; COMPLETE is handled on the session thread. */
  void gatheringChanged(RTCIceGatheringState gathering) {
    try {
      thread.noteCallbackThread();
      SetupTrace.step(session.name(), "gathering", gathering);
      if (gathering == RTCIceGatheringState.COMPLETE) {
        thread.execute(this::gatheringComplete);
      }
    } catch (Throwable t) {
      session.callbackFailed("onIceGatheringChange", t);
    }
  }

  /** Session thread: libwebrtc reported gathering COMPLETE (of the first exchange, or of an ICE restart). */
  private void gatheringComplete() {
    if (session.closing()) {
      return;
    }
    if (localDescription.isDone()) {
      restarts.gatheringComplete();
      return;
    }
    RTCSessionDescription d = pc.getLocalDescription();
    if (d == null) {
      return; // COMPLETE before setLocalDescription applied: the timer or a later COMPLETE finishes it
    }
    publishLocal(d);
  }

  /** Session thread. */
  private void gatheringTimedOut() {
    if (session.closing() || localDescription.isDone()) {
      return;
    }
    RTCSessionDescription d = pc.getLocalDescription();
    if (d == null || !d.sdp.contains("a=candidate:")) {
      session.closeAsync("ICE gathering found no candidate within " + config.gatheringTimeout());
      return;
    }
    PeerSession.LOG.log(Level.INFO, session.name() + ": ICE gathering not complete after " + config.gatheringTimeout()
        + "; using the candidates gathered so far");
    publishLocal(d);
  }

  /**
   * Signaling thread: a candidate was gathered. The first description may go before gathering completes, once it
   * holds what {@link GatheringGoal} asks for (vanilla ICE still: candidates travel inside the description).
   */
  void candidateGathered(String sdp) {
    try {
      SetupTrace.candidate(session.name(), sdp);
      thread.execute(() -> {
        if (session.closing() || localDescription.isDone()) {
          return;
        }
        boolean first = goal.reachedWith(sdp);
        if (goal.nothingMoreExpected()) {
          goalReached(); // every host candidate has its reflexive one: no settle (GatheringGoal)
        } else if (first) {
          thread.schedule(this::goalReached, GatheringGoal.SETTLE.toNanos());
        }
      });
    } catch (Throwable t) {
      session.callbackFailed("onIceCandidate", t);
    }
  }

  /** Session thread: the first description goes before gathering completes ({@link GatheringGoal}). */
  private void goalReached() {
    RTCSessionDescription d = session.closing() || localDescription.isDone() ? null : pc.getLocalDescription();
    if (d != null && d.sdp.contains("a=candidate:")) {
      publishLocal(d);
    }
  }

  private void publishLocal(RTCSessionDescription d) {
    SessionDescription.Type type = offerer ? SessionDescription.Type.OFFER : SessionDescription.Type.ANSWER;
    session.moveTo(SessionState.GATHERING, SessionState.CONNECTING);
    if (SetupTrace.enabled()) {
      SetupTrace.step(session.name(), (offerer ? "offer" : "answer") + " ready, candidates:",
          SetupTrace.candidates(d.sdp));
    }
    localDescription.complete(new SessionDescription(type, d.sdp));
  }
}

package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.HostOptions;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinDecision;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.ShortAuthString;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcException;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One client's connection on the host, on its tunnel's setup thread: the answering session (created only once the
 * join is approved, or for offline tokens once the offer is pasted), the answer, the channel, the in-channel check
 * and, offline, the reveal and the person's decision before the bridge may start. Stateless.
 */
final class HostConnect {
  private HostConnect() {}

  /**
   * @param decideInChannel asks for the decision of an in-channel join once its code is known (on the loop)
   * @param created told the session as soon as it exists, so that closing the tunnel closes it
   */
  static TunnelCore.Connected connect(TunnelCore core, HostOptions options, HostJoin join,
      Function<HostJoin, CompletableFuture<JoinDecision>> decideInChannel, Consumer<WebRtcSession> created)
      throws Exception {
    Duration connect = options.webRtc().connectTimeout();
    WebRtcConfig config = options.webRtc().withConnectTimeout(connect.plus(join.request.answerTransit()));
    WebRtcSession session = PeerSession.answer(config, join.offer.offer(), options.identity(),
        !join.request.answerTransit().isZero());
    created.accept(session);
    String who = PeerSession.of(session).name();
    SessionDescription answer = session.localDescription();
    core.await(join.request.accept(new JoinAnswer(answer, join.inChannel ? join.hostNonce : null)),
        "delivering the answer");
    SetupTrace.step(who, "answer delivered to signaling");
    MessageChannel raw;
    try {
      raw = session.dataChannel(config.connectTimeout());
    } catch (WebRtcException e) {
      if (join.request.answerTransit().isZero()) {
        throw e;
      }
      throw new WebRtcException("the answer token for " + join.clientName() + " was not used in time: the client "
          + "did not connect within " + HostRuntime.seconds(join.request.answerTransit()) + " (" + e.getMessage()
          + ")", e);
    }
    join.channelOpen = true;
    if (!join.offer.paired()) {
      return new TunnelCore.Connected(session, raw);
    }
    String hostFp = options.identity().fingerprint();
    PairingChannel channel = new PairingChannel(raw, who);
    channel.sendPair(PairFrames.host(join.clientFingerprint, hostFp));
    PairFrames.Message client = ClientFlow.expect(channel.awaitPair(connect, "nonce and fingerprints"),
        PairFrames.CLIENT, "CLIENT");
    if (!join.clientFingerprint.equals(client.clientFingerprint()) || !hostFp.equals(client.hostFingerprint())) {
      throw refuse(channel, Mismatch.describe("client", join.clientFingerprint, hostFp, client.clientFingerprint(),
          client.hostFingerprint()));
    }
    byte[] nonce = client.nonce();
    JoinDecision decision;
    if (join.inChannel) {
      byte[] commitment = join.offer.commitment();
      if (nonce == null || commitment == null || !ShortAuthString.opens(commitment, nonce)) {
        throw refuse(channel, "the client's nonce does not open the commitment of its offer token");
      }
      join.clientNonce = nonce;
      byte[] hostNonce = join.hostNonce;
      join.code = ShortAuthString.of(join.clientFingerprint, hostFp, nonce,
          hostNonce == null ? new byte[ShortAuthString.NONCE_BYTES] : hostNonce);
      core.shortAuthString(join.code);
      decision = core.await(decideInChannel.apply(join), "the host's decision");
    } else {
      if (!Arrays.equals(nonce, join.clientNonce)) {
        throw refuse(channel, "the client's nonce over the channel differs from the one it revealed: the"
            + " descriptions were substituted on the way (a man in the middle)");
      }
      decision = JoinDecision.approve();
    }
    if (!decision.approved()) {
      throw refuse(channel, decision.reason());
    }
    channel.sendPair(PairFrames.decision(true, ""));
    channel.paired();
    SetupTrace.step(who, "paired over the channel");
    return new TunnelCore.Connected(session, channel);
  }

  /** Tells the client why (best effort), waits briefly for it to close its side, and fails the setup. */
  private static RuntimeException refuse(PairingChannel channel, String reason) throws InterruptedException {
    channel.sendPairQuietly(PairFrames.decision(false, reason));
    try {
      channel.awaitPair(Duration.ofSeconds(2), "close");
    } catch (WebRtcException expected) {
      // closed, or nothing more: either way it is over
    }
    channel.close("refused: " + reason);
    return reason.startsWith("fingerprint mismatch") || reason.startsWith("the client's nonce")
        ? new WebRtcException(reason) : new JoinRejectedException(reason);
  }
}

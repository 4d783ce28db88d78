package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.ClientListener;
import dev.p2ptunnel.webrtc.ClientOptions;
import dev.p2ptunnel.webrtc.HostIdentityChangedException;
import dev.p2ptunnel.webrtc.HostReply;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.ShortAuthString;
import dev.p2ptunnel.webrtc.TrustStore;
import dev.p2ptunnel.webrtc.WebRtcException;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The client's join, on its tunnel's setup thread: offer, commitment, the host's challenge, the code, the reveal,
 * the answer after approval, the channel, the in-channel check, and (offline) the host's decision over the channel.
 * docs/SIGNALING.md describes the steps. A rejoin runs the same steps with a new session and must reach the same host
 * identity. Stateless; one call per join.
 */
public final class ClientFlow {
  private ClientFlow() {}

  /**
   * A join that went through: its session and open channel, the exchange (for ICE restarts), the host's identity.
   */
  public record Joined(TunnelCore.Connected connected, ClientJoin join, String hostFingerprint) {}

  /** Connects as {@code options} say; see {@link TunnelCore.Connector}. */
  public static Joined connect(TunnelCore core, ClientOptions options) throws Exception {
    return connect(core, options, null, core::attach);
  }

  /**
   * Joins as {@code options} say.
   *
   * @param sameHost for a rejoin: the fingerprint the host had, which it must still have (else the join stops before
   *     anything is connected); null for the first join
   * @param created told the session as soon as it exists, so that closing the tunnel closes it
   */
  public static Joined connect(TunnelCore core, ClientOptions options, @Nullable String sameHost,
      Consumer<WebRtcSession> created) throws Exception {
    ClientListener listener = options.listener(); // already on the callback executor (Tunnel.client)
    WebRtcSession session = PeerSession.offer(options.webRtc(), options.identity());
    created.accept(session);
    String who = PeerSession.of(session).name();
    SessionDescription offer = session.localDescription();
    String clientFp = options.identity().fingerprint();
    byte[] nonce = options.pairing() ? ShortAuthString.newNonce() : null;
    ClientJoin join = options.signaling().join(new JoinOffer(options.name(), offer,
        nonce == null ? null : ShortAuthString.commitment(nonce)));
    SetupTrace.step(who, "join sent");
    boolean answered = false;
    try {
      HostReply first = core.await(join.firstReply(), "the host's reply");
      SetupTrace.step(who, "host's first reply:", first instanceof JoinChallenge ? "challenge" : "answer");
      JoinAnswer answer;
      String hostFp;
      boolean inChannelDecision;
      if (first instanceof JoinChallenge challenge) {
        if (nonce == null) {
          throw new WebRtcException("the host sent a challenge to a join without a commitment");
        }
        hostFp = challenge.hostFingerprint();
        checkSameHost(sameHost, hostFp);
        boolean firstTime = checkKnownHost(options, hostFp);
        byte[] hostNonce = challenge.hostNonce();
        String code = ShortAuthString.of(clientFp, hostFp, nonce, hostNonce);
        SetupTrace.step(who, "known host checked, code computed");
        core.shortAuthString(code);
        listener.onShortAuthString(code);
        byte[] proof = options.identity().sign(ShortAuthString.proofTranscript(clientFp, hostFp, nonce, hostNonce));
        SetupTrace.step(who, "code computed and signed; revealing");
        CompletableFuture<JoinAnswer> decided =
            join.reveal(new JoinReveal(nonce, options.identity().certificateDer(), proof));
        // The host now checks, decides and makes its answer (hundreds of ms at least): the bridge's classes
        // meanwhile. Not earlier: the join's first request (~200 classes of the HTTP client) needs the CPU then.
        BridgePreload.inBackground(false);
        if (firstTime) {
          KnownHostsWarmUp.inBackground(options.knownHosts()); // the write after pairing finds its code warm
        }
        answer = core.await(decided, "the host's decision");
        SetupTrace.step(who, "host's answer received");
        String answerFp = ShortAuthString.fingerprint(answer.answer());
        if (!answerFp.equals(hostFp)) {
          throw new WebRtcException("the host's answer carries the certificate " + answerFp + ", not " + hostFp
              + " from which the code was computed: someone between you substituted it; nothing was connected");
        }
        inChannelDecision = false;
        listener.onApproved();
      } else {
        BridgePreload.inBackground(false); // beside ICE and DTLS
        answer = (JoinAnswer) first;
        hostFp = ShortAuthString.fingerprint(answer.answer());
        checkSameHost(sameHost, hostFp);
        byte[] hostNonce = answer.hostNonce();
        if (nonce != null && hostNonce != null) {
          if (checkKnownHost(options, hostFp)) {
            KnownHostsWarmUp.inBackground(options.knownHosts()); // beside ICE and DTLS, before the write
          }
          String code = ShortAuthString.of(clientFp, hostFp, nonce, hostNonce);
          core.shortAuthString(code);
          listener.onShortAuthString(code);
          inChannelDecision = true;
        } else {
          nonce = null; // the host has no pairing: nothing to check over the channel
          listener.onNoShortAuthString();
          inChannelDecision = false;
        }
      }
      answered = true;
      session.acceptAnswer(answer.answer());
      MessageChannel channel = session.dataChannel(options.webRtc().connectTimeout());
      if (nonce != null) {
        channel = pairOverChannel(who, channel, nonce, clientFp, hostFp, options, inChannelDecision, listener);
        SetupTrace.step(who, "paired over the channel");
        remember(options, hostFp);
        SetupTrace.step(who, "known host remembered");
      }
      return new Joined(new TunnelCore.Connected(session, channel), join, hostFp);
    } finally {
      if (!answered) {
        join.withdraw(core.closing() ? "the client stopped" : "the client gave up");
      }
    }
  }

  private static MessageChannel pairOverChannel(String who, MessageChannel raw, byte[] nonce, String clientFp,
      String hostFp, ClientOptions options, boolean decisionPending, ClientListener listener)
      throws InterruptedException {
    PairingChannel channel = new PairingChannel(raw, who);
    channel.sendPair(PairFrames.client(nonce, clientFp, hostFp));
    PairFrames.Message host = expect(channel.awaitPair(options.webRtc().connectTimeout(), "fingerprints"),
        PairFrames.HOST, "HOST");
    if (!clientFp.equals(host.clientFingerprint()) || !hostFp.equals(host.hostFingerprint())) {
      String reason = Mismatch.describe("host", clientFp, hostFp, host.clientFingerprint(), host.hostFingerprint());
      channel.close(reason);
      throw new WebRtcException(reason);
    }
    PairFrames.Message decision = expect(channel.awaitPair(null, "decision"), PairFrames.DECISION, "DECISION");
    if (!decision.approved()) {
      channel.close("refused: " + decision.reason());
      throw new JoinRejectedException(decision.reason());
    }
    if (decisionPending) {
      listener.onApproved();
    }
    channel.paired();
    return channel;
  }

  static PairFrames.Message expect(PairFrames.Message message, int kind, String name) {
    if (message.kind() != kind) {
      throw new WebRtcException("pairing out of order: the peer sent kind " + message.kind() + " (expected: "
          + name + ")");
    }
    return message;
  }

  private static void checkSameHost(@Nullable String sameHost, String hostFp) {
    if (sameHost != null && !sameHost.equals(hostFp)) {
      throw new HostIdentityChangedException("THE HOST'S IDENTITY HAS CHANGED while reconnecting: it was " + sameHost
          + ", now " + hostFp + ". Someone may be in between, or the host reset its identity; nothing was "
          + "reconnected");
    }
  }

  /** Throws if the host is remembered with another identity; true if it is not remembered yet (a write follows). */
  private static boolean checkKnownHost(ClientOptions options, String hostFp) {
    TrustStore known = options.knownHosts();
    String key = options.signaling().hostKey();
    if (known == null || key == null) {
      return false;
    }
    Optional<String> remembered = known.fingerprint(key);
    if (remembered.isPresent() && !remembered.get().equals(hostFp)) {
      throw new HostIdentityChangedException("THE HOST'S IDENTITY HAS CHANGED for " + key + ": remembered "
          + remembered.get() + ", now " + hostFp + ". Someone may be in between (for example the signaling server),"
          + " or the host reset its identity. Ask the host person; only if they reset it, delete the line starting "
          + key + " from " + (known.file() == null ? "the known hosts" : known.file()) + " and join again");
    }
    return remembered.isEmpty();
  }

  private static void remember(ClientOptions options, @Nullable String hostFp) {
    TrustStore known = options.knownHosts();
    String key = options.signaling().hostKey();
    if (known != null && key != null && hostFp != null) {
      known.rememberHost(key, hostFp);
    }
  }
}

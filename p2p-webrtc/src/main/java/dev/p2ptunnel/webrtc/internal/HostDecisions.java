package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.webrtc.HostOptions;
import dev.p2ptunnel.webrtc.Identity;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinApprover;
import dev.p2ptunnel.webrtc.JoinDecision;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.ShortAuthString;
import dev.p2ptunnel.webrtc.TrustStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The host's rules for joins on their way to a decision: the limits (clients, joins in progress, one waiting join per
 * address, a pause after a person refused an address), the challenge and the reveal, trusted identities, the
 * approver and its timeout. Owned by the host's loop thread ({@link HostRuntime}): every method runs there.
 */
final class HostDecisions {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.host");
  /** How long a challenged client has to reveal its nonce (a program answers at once). */
  static final Duration REVEAL_TIMEOUT = Duration.ofSeconds(30);
  /** Joins being handled at once (challenged, waiting, connecting unapproved); more are refused. */
  static final int MAX_IN_PROGRESS = 64;
  /** After a person refused a join, joins from the same address are refused without asking for this long. */
  static final Duration REFUSAL_PAUSE = Duration.ofSeconds(60);

  private final HostOptions options;
  private final HostRuntime runtime;
  private final ScheduledExecutorService loop;
  private final Set<HostJoin> inProgress = new LinkedHashSet<>();
  private final ArrayDeque<HostJoin> waiting = new ArrayDeque<>();
  private final Map<String, Long> pausedUntilNs = new HashMap<>();

  HostDecisions(HostOptions options, HostRuntime runtime, ScheduledExecutorService loop) {
    this.options = options;
    this.runtime = runtime;
    this.loop = loop;
  }

  /** Refuses every join in progress (the host is closing). */
  void refuseAll(String reason) {
    for (HostJoin join : new ArrayList<>(inProgress)) {
      refuse(join, reason);
    }
  }

  void handle(JoinRequest request) {
    String name = request.offer().clientName();
    String clientFp;
    try {
      clientFp = ShortAuthString.fingerprint(request.offer().offer());
    } catch (IllegalArgumentException e) {
      refuse(request, name, "the offer carries no DTLS fingerprint");
      return;
    }
    if (runtime.activeClientsOtherThan(clientFp) >= options.maxClients()) {
      refuse(request, name, HostRuntime.BUSY);
      return;
    }
    if (inProgress.size() >= MAX_IN_PROGRESS) {
      refuse(request, name, "the host is handling " + MAX_IN_PROGRESS + " join requests; try again in a minute");
      return;
    }
    String address = request.clientAddress();
    Long paused = address == null ? null : pausedUntilNs.get(address);
    if (paused != null) {
      if (System.nanoTime() - paused < 0) {
        refuse(request, name, "the host refused a join request from " + address + " a moment ago; try again in "
            + HostRuntime.seconds(REFUSAL_PAUSE));
        return;
      }
      pausedUntilNs.remove(address);
    }
    HostJoin join = new HostJoin(request, clientFp, runtime.callbacks());
    SetupTrace.step("join", "received from", join);
    inProgress.add(join);
    request.withdrawn().thenAccept(reason -> runtime.onLoop(() -> end(join, "withdrawn by the client: " + reason, false)));
    if (join.offer.paired()) {
      join.hostNonce = ShortAuthString.newNonce();
    }
    if (join.inChannel) {
      runtime.connect(join); // offline: the answer goes out now, the code and the decision come over the channel
    } else if (join.offer.paired()) {
      byte[] hostNonce = join.hostNonce;
      join.timer = loop.schedule(() -> refuse(join, "the client did not reveal its nonce within "
          + HostRuntime.seconds(REVEAL_TIMEOUT)), REVEAL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      request.challenge(new JoinChallenge(options.identity().fingerprint(), hostNonce == null ? new byte[0]
          : hostNonce)).whenComplete((reveal, error) -> runtime.onLoop(() -> onReveal(join, reveal, error)));
      SetupTrace.step("join", "challenge sent to", join);
    } else {
      askDecision(join);
    }
    BridgePreload.inBackground(true); // before the decision: loading classes tells the client nothing
  }

  private void onReveal(HostJoin join, @Nullable JoinReveal reveal, @Nullable Throwable error) {
    if (join.finished) {
      return;
    }
    join.cancelTimer();
    if (error != null || reveal == null) {
      refuse(join, "the client did not reveal its nonce: " + HostRuntime.message(HostRuntime.unwrap(error)));
      return;
    }
    SetupTrace.step("join", "reveal received from", join);
    byte[] commitment = join.offer.commitment();
    byte[] nonce = reveal.clientNonce();
    byte[] hostNonce = join.hostNonce;
    if (commitment == null || hostNonce == null || !ShortAuthString.opens(commitment, nonce)) {
      refuse(join, "the revealed nonce does not open the join's commitment");
      return;
    }
    String hostFp = options.identity().fingerprint();
    join.clientNonce = nonce;
    join.code = ShortAuthString.of(join.clientFingerprint, hostFp, nonce, hostNonce);
    byte[] certificate = reveal.certificate();
    byte[] proof = reveal.proof();
    boolean proven = certificate != null && proof != null
        && Identity.fingerprintOf(certificate).equals(join.clientFingerprint)
        && Identity.verify(certificate, ShortAuthString.proofTranscript(join.clientFingerprint, hostFp, nonce,
            hostNonce), proof);
    SetupTrace.step("join", proven ? "reveal checked, proof verified:" : "reveal checked, no proof:", join);
    TrustStore trust = options.trustStore();
    if (proven && trust != null && trust.trustsClient(join.clientFingerprint)) {
      join.trusted = true;
      decided(join, JoinDecision.approve());
      return;
    }
    askDecision(join);
  }

  /** An in-channel join's code is known (setup thread): decide it like any other. */
  CompletableFuture<JoinDecision> decideInChannel(HostJoin join) {
    runtime.onLoop(() -> {
      if (join.finished) {
        return;
      }
      TrustStore trust = options.trustStore();
      if (trust != null && trust.trustsClient(join.clientFingerprint)) {
        join.trusted = true; // DTLS proved the key before the fingerprints matched over the channel
        decided(join, JoinDecision.approve());
      } else {
        askDecision(join);
      }
    });
    return join.decision;
  }

  private void askDecision(HostJoin join) {
    String address = join.address;
    if (address != null) {
      for (HostJoin other : waiting) {
        if (address.equals(other.address)) {
          refuse(join, "another join request from " + address + " is waiting for the host's decision");
          return;
        }
      }
    }
    if (waiting.size() >= options.maxPendingJoins()) {
      refuse(join, "the host has " + waiting.size() + " join requests waiting for a decision; try again later");
      return;
    }
    waiting.add(join);
    join.waitingForDecision = true;
    join.timer = loop.schedule(() -> refuse(join, "the host did not decide within "
        + HostRuntime.seconds(options.approveTimeout())), options.approveTimeout().toNanos(), TimeUnit.NANOSECONDS);
    // The user's code runs on the callback executor, never on the loop; the library's APPROVE_ALL needs no thread.
    Executor approverThread = options.approver() == JoinApprover.APPROVE_ALL ? Runnable::run : runtime.callbacks();
    approverThread.execute(() -> {
      CompletionStage<JoinDecision> stage;
      try {
        stage = options.approver().decide(join);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "the approver threw; the join is refused", e);
        runtime.onLoop(() -> refuse(join, JoinDecision.REFUSED));
        return;
      }
      stage.whenComplete((decision, error) -> runtime.onLoop(() -> {
        if (error != null || decision == null) {
          refuse(join, JoinDecision.REFUSED);
        } else {
          decided(join, decision);
        }
      }));
    });
  }

  private void decided(HostJoin join, JoinDecision decision) {
    if (join.finished) {
      return;
    }
    if (!decision.approved()) {
      if (join.address != null && join.waitingForDecision) {
        pausedUntilNs.put(join.address, System.nanoTime() + REFUSAL_PAUSE.toNanos());
      }
      refuse(join, decision.reason().isEmpty() ? JoinDecision.REFUSED : decision.reason());
      return;
    }
    if (!join.inChannel && runtime.activeClientsOtherThan(join.clientFingerprint) >= options.maxClients()) {
      refuse(join, HostRuntime.BUSY);
      return;
    }
    TrustStore trust = options.trustStore();
    if (decision.trust() && trust != null) {
      try {
        trust.trustClient(join.clientFingerprint, join.clientName());
        join.trusted = true;
      } catch (RuntimeException e) {
        // An error, so that a user who answered "always" hears it (the demo shows our errors only): the client is let
        // in now, and will be asked about again next time.
        LOG.log(Level.ERROR, "could not remember the trusted client " + join.clientName() + " (let in this time, asked"
            + " about again next time): " + e.getMessage());
      }
    }
    end(join, "approved", true);
    SetupTrace.step("join", "approved:", join);
    if (join.inChannel) {
      HostClient client = join.client;
      if (client != null) {
        runtime.approvedClient(client);
      }
      join.decision.complete(decision);
    } else {
      runtime.connect(join);
    }
  }

  void refuse(HostJoin join, String reason) {
    if (join.finished) {
      return;
    }
    end(join, reason, false);
    if (!join.inChannel) { // in-channel: its setup thread tells the client over the channel, or end() closed it
      refuse(join.request, join.clientName(), reason);
    }
  }

  private void refuse(JoinRequest request, String name, String reason) {
    HostRuntime.quietly(request.reject(reason));
    runtime.notify(() -> options.listener().onClientRejected(name, reason));
  }

  /** Takes the join out of the waiting structures; {@code decided} says whether it goes on to connect. */
  void end(HostJoin join, String reason, boolean decided) {
    if (join.finished) {
      return;
    }
    join.finished = true;
    join.cancelTimer();
    inProgress.remove(join);
    waiting.remove(join);
    join.waitingForDecision = false;
    if (!decided) {
      join.cancelled.complete(reason);
      if (join.inChannel) {
        join.decision.complete(JoinDecision.refuse(reason)); // the setup thread tells the client and closes
        HostClient client = join.client;
        if (client != null && !join.channelOpen && !join.rejoin) {
          client.core.closeAsync(reason); // the token was not used: nobody to tell
        }
      }
    } else {
      join.cancelled.complete("decided");
    }
  }

}

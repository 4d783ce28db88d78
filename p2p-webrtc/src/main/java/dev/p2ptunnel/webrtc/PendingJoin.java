package dev.p2ptunnel.webrtc;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** A join waiting for a {@link JoinApprover}'s decision. Thread-safe; implemented by the library only. */
public interface PendingJoin {
  /** The name the client gave (follows {@link ClientName}'s rule; not authenticated). */
  String clientName();

  /** The client's address as the signaling transport saw it, or null when unknown (offline, in-process). */
  @Nullable String clientAddress();

  /**
   * The code both sides show ({@link ShortAuthString}); equal codes mean nobody sits between the two peers. Null
   * when the client runs without the pairing extension (the original app): there is no code to compare.
   */
  @Nullable String shortAuthString();

  /** The client's DTLS identity ({@code sha-256 AB:…}), the key under which it may be trusted. */
  String clientFingerprint();

  /**
   * Completes with the reason once the join no longer waits for a decision (the client withdrew, the approve
   * timeout passed, the host is closing); the approver should stop asking.
   */
  CompletableFuture<String> cancelled();
}

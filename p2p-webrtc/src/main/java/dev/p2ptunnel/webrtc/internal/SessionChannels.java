package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.p2ptunnel.bridge.DatagramTransport;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.webrtc.SessionState;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The channels of one {@link PeerSession}: the DataChannel's opening (OPEN, or the connect timeout that closes the
 * session), the goodbye's way out at the close, and the datagram channel, made once the bridge asks for it
 * ({@link DataChannelDatagrams}).
 *
 * <p>Threads: thread-safe. The open future completes on the session thread; the datagram channel is created, and
 * released at the teardown, on the session thread, which owns it (the field is volatile for readers elsewhere).
 */
final class SessionChannels {
  /** A BYE may be in the send queue when the close is deliberate: the teardown lets it leave first. */
  private static final Duration FLUSH_WAIT = Duration.ofMillis(300);

  private final PeerSession session;
  private final SessionThread thread;
  private final RTCPeerConnection pc;
  private final DataChannelMessageChannel channel;
  private final Duration connectTimeout;
  private final CompletableFuture<MessageChannel> open = new CompletableFuture<>();
  /** The datagram channel, once the bridge asked for it; created and released on the session thread. */
  private volatile @Nullable DataChannelDatagrams datagrams;

  SessionChannels(PeerSession session, SessionThread thread, RTCPeerConnection pc, DataChannelMessageChannel channel,
      Duration connectTimeout) {
    this.session = session;
    this.thread = thread;
    this.pc = pc;
    this.channel = channel;
    this.connectTimeout = connectTimeout;
  }

  /** Completes with the DataChannel once it is open; fails when the session closes first. */
  CompletableFuture<MessageChannel> open() {
    return open;
  }

  /** Signaling thread: the DataChannel reported OPEN. */
  void opened() {
    thread.execute(() -> {
      if (session.closing()) {
        return;
      }
      session.moveTo(SessionState.GATHERING, SessionState.CONNECTING);
      session.moveTo(SessionState.CONNECTING, SessionState.OPEN);
      open.complete(channel);
    });
  }

  /** Session thread, the connect timeout from the remote description's application. */
  void connectTimedOut() {
    if (!session.closing() && !open.isDone()) {
      session.closeAsync("data channel did not open within " + connectTimeout);
    }
  }

  /** See {@link PeerSession#openDatagrams()}. */
  CompletableFuture<DatagramTransport> openDatagrams() {
    CompletableFuture<DatagramTransport> result = new CompletableFuture<>();
    boolean queued = thread.execute(() -> {
      if (session.closing()) {
        result.completeExceptionally(session.closedFailure());
        return;
      }
      DataChannelDatagrams existing = datagrams;
      if (existing == null) {
        existing = DataChannelDatagrams.create(pc, session);
        datagrams = existing;
      }
      existing.opened().whenComplete((transport, error) -> {
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(transport);
        }
      });
    });
    if (!queued) {
      result.completeExceptionally(session.closedFailure());
    }
    return result;
  }

  /**
   * Session thread, teardown, while the path is up: gives what is still queued in {@code dc} (the bridge's goodbye, a
   * BYE) up to {@link #FLUSH_WAIT} to leave before the connection goes, so that the peer learns the close was
   * deliberate.
   */
  void flush(RTCDataChannel dc) {
    long deadline = System.nanoTime() + FLUSH_WAIT.toNanos();
    try {
      while (dc.getBufferedAmount() > 0 && System.nanoTime() - deadline < 0) {
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      PeerSession.LOG.log(Level.DEBUG, () -> session.name() + ": could not wait for the send queue: " + t);
    }
  }

  /** Session thread, teardown: the datagram channel ends, before the connection closes, as the data channel. */
  void releaseDatagrams(String reason) {
    DataChannelDatagrams udp = datagrams;
    if (udp != null) {
      udp.shutdown(reason);
      NativeObjects.release(session.name(), udp.channel(), null, null);
    }
  }
}

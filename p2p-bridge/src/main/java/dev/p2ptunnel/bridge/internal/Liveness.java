package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.Extensions;
import java.time.Duration;

/**
 * Whether the peer is there, and what the loop does about it: keepalive (PING on silence; after the timeout the
 * connection is lost, or the bridge closes where it cannot resume), receipt PINGs for resume's tombstones, and the
 * {@link Link}: the channel in use, a lost connection and its grace period, whose end closes the bridge with every
 * socket ending {@link Streams.Ending#ORDERLY}. Loop thread only.
 */
final class Liveness {
  /** What liveness needs from the loop. */
  interface Port {
    /** The bridge closes for {@code reason}; {@code orderly}: the grace period ended (sockets get a FIN). */
    void stop(String reason, boolean orderly);

    /** Whether the loop still runs. */
    boolean running();
  }

  private final Keepalive keepalive;
  private final Link link;
  private final Negotiation negotiation;
  private final Outbound outbound;
  private final Resume resume;
  private final Events events;
  private final Ticker ticker;
  private final String peerName;
  private final Port port;

  Liveness(Duration keepaliveInterval, Duration keepaliveTimeout, Duration grace, Negotiation negotiation,
      Outbound outbound, Resume resume, Events events, Ticker ticker, String peerName, Port port) {
    this.keepalive = new Keepalive(keepaliveInterval, keepaliveTimeout);
    this.link = new Link(grace);
    this.negotiation = negotiation;
    this.outbound = outbound;
    this.resume = resume;
    this.events = events;
    this.ticker = ticker;
    this.peerName = peerName;
    this.port = port;
  }

  /** A channel starts carrying (the first, or one attached): silence is counted from now. */
  void started() {
    keepalive.start(ticker.nanoTime());
  }

  /** A message of the current channel arrived: life. */
  void received() {
    keepalive.received(ticker.nanoTime());
  }

  /** The current channel's transport confirms the peer now, or no longer does (the keepalive's timeout waits). */
  void path(boolean confirmed) {
    keepalive.path(confirmed, ticker.nanoTime());
  }

  /** The number of the channel in use. */
  int channel() {
    return link.channel();
  }

  /** A new channel replaces the current one: its number. */
  int next() {
    return link.next();
  }

  boolean lost() {
    return link.lost();
  }

  /** The connection is lost (resume): sockets wait for the peer during the grace period. */
  void lose(String reason) {
    if (link.lose(reason, ticker.nanoTime())) {
      events.connectionLost(reason);
    }
  }

  /** The peer is back: says so if the connection had been lost. */
  void restored(int resumed, int closed) {
    if (link.restore()) {
      events.connectionRestored(resumed, closed);
    }
  }

  /** The nonce for the next keepalive PING (resume may give one). */
  long pingNonce() {
    return resume.pingNonce(keepalive);
  }

  /**
   * What is due at {@code nowNanos}: a keepalive PING or the connection lost, a receipt PING, the end of the grace.
   *
   * @return how much was done
   */
  int tick(long nowNanos) {
    int work = 0;
    if (negotiation.keepalive()) {
      keepalive.progress(outbound.bufferedAmount(), nowNanos);
      switch (keepalive.check(nowNanos)) {
        case DEAD:
          events.error(ErrorKind.KEEPALIVE_TIMEOUT, BridgeListener.NO_SOCKET, keepalive.deadReason());
          if (resume.canResume()) {
            lose(keepalive.deadReason());
          } else {
            port.stop(keepalive.deadReason(), false);
          }
          work++;
          break;
        case PING:
          outbound.sendExtension(Extensions.ping(false, pingNonce()));
          work++;
          break;
        default:
          break;
      }
    }
    if (resume.receiptDue(nowNanos)) {
      outbound.sendExtension(Extensions.ping(false, resume.receiptSent(nowNanos)));
      work++;
    }
    String expired = link.expired(nowNanos, peerName);
    if (expired != null && port.running()) {
      events.error(ErrorKind.NOT_RESUMED, BridgeListener.NO_SOCKET, expired);
      port.stop(expired, true); // the peer is gone, not the local applications' fault: their connections get a FIN
      work++;
    }
    return work;
  }

  /** When {@link #tick} next has something to do, or {@code Long.MAX_VALUE}. */
  long deadlineNanos(long nowNanos) {
    long deadline = link.deadlineNanos();
    if (negotiation.keepalive()) {
      deadline = Math.min(deadline, keepalive.deadlineNanos());
    }
    if (resume.tombstones() > 0) {
      deadline = Math.min(deadline, nowNanos + Tombstones.RECEIPT_RETRY_NANOS);
    }
    return deadline;
  }
}

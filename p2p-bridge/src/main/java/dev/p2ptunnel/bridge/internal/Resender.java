package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.ServiceMessages;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Sends again what the peer missed when a channel was replaced (resume): per socket a {@link Job} — a CONNECT the peer
 * never handled (with the initial window grant), the DATA bytes from what the peer received, then a FIN or CLOSE it
 * never handled — one frame at a time, round-robin over the sockets, only while the channel is writable, so that a
 * large backlog never overfills the channel. The socket reads new local bytes again once its job is done. Loop thread
 * only.
 */
final class Resender {
  /** What one socket sends again, in this order. */
  static final class Job {
    final int socketId;
    final Resumable state;
    long next;
    boolean connect;
    /** The service the CONNECT names (named services), or -1 for the default: a resent CONNECT names it again. */
    int serviceId = -1;
    long grant;
    boolean fin;
    boolean close;

    Job(int socketId, Resumable state, long from) {
      this.socketId = socketId;
      this.state = state;
      this.next = from;
    }

    boolean done() {
      return !connect && next >= state.log.end() && !fin && !close;
    }
  }

  private final Outbound outbound;
  private final IntConsumer finished;
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final Map<Integer, Job> bySocket = new HashMap<>();

  /** @param finished told the socket id of every job that is done */
  Resender(Outbound outbound, IntConsumer finished) {
    this.outbound = outbound;
    this.finished = finished;
  }

  /** Queues {@code job} (replacing a job of the same socket), or reports it done at once if there is nothing to do. */
  void add(Job job) {
    cancel(job.socketId);
    if (job.done()) {
      finished.accept(job.socketId);
      return;
    }
    queue.add(job);
    bySocket.put(job.socketId, job);
  }

  /** Drops the socket's job, if any (it was aborted: the peer wants nothing more of it). */
  void cancel(int socketId) {
    Job job = bySocket.remove(socketId);
    if (job != null) {
      queue.remove(job);
    }
  }

  /** Drops every job (the peer is another bridge, or the channel went away: a new list will say what is needed). */
  void clear() {
    queue.clear();
    bySocket.clear();
  }

  /** Whether the socket has a job waiting. */
  boolean has(int socketId) {
    return bySocket.containsKey(socketId);
  }

  /** Jobs waiting. */
  int pending() {
    return queue.size();
  }

  /**
   * Sends what the channel takes now, one frame per job in turn.
   *
   * @return frames sent
   */
  int run() {
    int sent = 0;
    while (outbound.writable() && !queue.isEmpty()) {
      Job job = queue.poll();
      if (!step(job)) {
        queue.addFirst(job); // the channel dropped it (closed): a later list says what to send
        break;
      }
      sent++;
      if (job.done()) {
        bySocket.remove(job.socketId);
        finished.accept(job.socketId);
      } else {
        queue.add(job);
      }
    }
    return sent;
  }

  /** One frame of {@code job}; false when the channel dropped it. */
  private boolean step(Job job) {
    if (job.connect) {
      if (job.serviceId < 0) {
        outbound.sendEvent(Frame.EVENT_CONNECT, job.socketId);
      } else {
        outbound.sendEvent(Frame.EVENT_CONNECT, job.socketId, ServiceMessages.connectPayload(job.serviceId));
      }
      if (job.grant > 0) {
        outbound.sendExtension(Extensions.window(job.socketId, job.grant));
      }
      job.connect = false;
      return outbound.attached();
    }
    SendLog log = job.state.log;
    if (job.next < log.end()) {
      job.next = Math.max(job.next, log.start());
      int n = outbound.resendData(job.socketId, log, job.next);
      job.next += n;
      return n > 0;
    }
    if (job.fin) {
      outbound.sendExtension(Extensions.fin(job.socketId));
      job.fin = false;
    } else if (job.close) {
      outbound.sendEvent(Frame.EVENT_CLOSE, job.socketId);
      job.close = false;
    }
    return outbound.attached();
  }
}

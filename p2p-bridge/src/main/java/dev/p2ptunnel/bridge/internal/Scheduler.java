package dev.p2ptunnel.bridge.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which local socket is read next, the one place that does. The selector only reports readable sockets
 * ({@link #readable}); each turn ({@link #runTurn}) reads them in the order they became ready, up to
 * {@link #READS_PER_TURN} reads each, so that one busy socket cannot starve the others.
 *
 * <p>Back-pressure: while the channel is not writable, a socket due to read is parked instead: it loses its read
 * interest and joins the parked list. When the channel drains, {@link #unparkAll} restores exactly those sockets, so a
 * change of writability costs the sockets that are blocked, not every socket. Loop thread only.
 */
final class Scheduler {
  /** Reads per readable socket per turn: amortises the select call, keeps sockets fair. */
  static final int READS_PER_TURN = 4;

  /** What {@link Reader#read} ended with. */
  enum ReadResult {
    /** Read what there was (or all the turn allows); the socket stays registered as it is. */
    DONE,
    /** The channel is not writable: park the socket. */
    BLOCKED
  }

  /** Reads a socket into the channel; {@link LocalIo} in the engine. */
  interface Reader {
    ReadResult read(Stream stream, int maxReads);
  }

  private final Outbound outbound;
  private final Reader reader;
  private final ArrayDeque<Stream> ready = new ArrayDeque<>();
  private final List<Stream> parked = new ArrayList<>();

  Scheduler(Outbound outbound, Reader reader) {
    this.outbound = outbound;
    this.reader = reader;
  }

  /** The selector found {@code stream} readable. */
  void readable(Stream stream) {
    if (!stream.scheduled && !stream.parked) {
      stream.scheduled = true;
      ready.add(stream);
    }
  }

  /**
   * Reads the sockets that became ready, in order.
   *
   * @return how many were served
   */
  int runTurn() {
    int served = 0;
    for (int n = ready.size(); n > 0; n--) {
      Stream stream = ready.poll();
      stream.scheduled = false;
      if (!stream.isLive()) {
        continue;
      }
      served++;
      if (!outbound.writable() || reader.read(stream, READS_PER_TURN) == ReadResult.BLOCKED) {
        park(stream);
      }
    }
    return served;
  }

  /** The channel is writable again: every parked socket may read. */
  void unparkAll() {
    for (Stream stream : parked) {
      stream.parked = false;
      if (stream.isLive()) {
        stream.updateInterest();
      }
    }
    parked.clear();
  }

  /** Sockets waiting for the channel now. */
  int parkedCount() {
    return parked.size();
  }

  private void park(Stream stream) {
    if (!stream.parked) {
      stream.parked = true;
      parked.add(stream);
      stream.updateInterest();
    }
  }
}

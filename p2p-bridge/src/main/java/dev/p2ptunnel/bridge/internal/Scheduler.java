package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.protocol.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which local socket is read next, the one place that does: deficit round robin (Shreedhar and Varghese) with
 * sparse sockets first, as in fq_codel. The selector only reports readable sockets ({@link #readable}); each turn
 * ({@link #runTurn}) serves
 * <ol>
 *   <li>the sparse sockets, those that had been drained when they last read (a request, a keystroke, a reply): in the
 *   order they became ready, each up to {@link #QUANTUM_BYTES};
 *   <li>then the backlogged ones, those whose last read left more behind (a bulk transfer): round robin, each adding
 *   {@link #QUANTUM_BYTES} to its deficit and reading while the deficit is positive (a read takes up to a frame, so
 *   the deficit may go negative by less than a frame and is paid back next turn).
 * </ol>
 * So a socket with a little to send never waits behind a bulk socket's backlog, and backlogged sockets share the
 * channel equally by bytes, whatever their frame sizes. Before the backlogged round, the small frames of the turn so
 * far leave in a message of their own ({@link Outbound#flushAheadOfBulk}), so that they do not wait at the receiver
 * for a bulk-sized message to arrive whole. A socket that drains leaves the round and loses its deficit.
 *
 * <p>Back-pressure: once the channel is not writable, the turn stops; every socket still waiting keeps its place in
 * its list but is parked: it loses its read interest (the selector would report it again and again) until the channel
 * drains. {@link #unparkAll} restores exactly those, and the next turn serves them where they were, so a change of
 * writability costs the sockets that wait, not every socket. Loop thread only.
 */
final class Scheduler {
  /** Bytes a backlogged socket may read per turn, on average: one full frame. */
  static final long QUANTUM_BYTES = Frame.MAX_PAYLOAD_LENGTH;

  /** What {@link Reader#read} ended with. */
  enum ReadResult {
    /** Read what there was, or cannot read now (no credit, local EOF, ended): not backlogged. */
    DRAINED,
    /** Used its budget with more left to read: backlogged. */
    MORE,
    /** The channel is not writable: park the socket. */
    BLOCKED
  }

  /** Reads a socket into the channel; {@link LocalIo} in the engine. */
  interface Reader {
    /**
     * Reads {@code stream} while {@code budget} bytes are not used up (each read up to a frame, so it may end a little
     * beyond), the socket has data and the channel takes more. The bytes read are counted in the stream's
     * {@code bytes.toPeer}.
     */
    ReadResult read(Stream stream, long budget);
  }

  private final Outbound outbound;
  private final Reader reader;
  /** Sparse sockets that became readable, in that order: served first. */
  private final ArrayDeque<Stream> sparse = new ArrayDeque<>();
  /** Backlogged sockets, round robin: they stay here while they have more to read. */
  private final ArrayDeque<Stream> backlogged = new ArrayDeque<>();
  private final List<Stream> parked = new ArrayList<>();

  Scheduler(Outbound outbound, Reader reader) {
    this.outbound = outbound;
    this.reader = reader;
  }

  /** The selector found {@code stream} readable. */
  void readable(Stream stream) {
    if (!stream.scheduled && !stream.parked) {
      stream.scheduled = true;
      (stream.backlogged ? backlogged : sparse).add(stream);
    }
  }

  /**
   * Serves the sparse sockets, then one round of the backlogged ones, until the channel stops taking more.
   *
   * @return how many sockets read
   */
  int runTurn() {
    int served = 0;
    int round = backlogged.size(); // a sparse socket that turns out to have more joins the next round
    for (int n = sparse.size(); n > 0; n--) {
      Stream stream = sparse.peek();
      if (!stream.isLive()) {
        sparse.poll().scheduled = false;
        continue;
      }
      if (!outbound.writable()) {
        parkWaiting();
        return served;
      }
      sparse.poll();
      served++;
      settle(stream, read(stream, QUANTUM_BYTES, 0), true);
    }
    if (round > 0) {
      outbound.flushAheadOfBulk(); // what is small leaves before the bulk data, not inside its message
    }
    for (int n = round; n > 0; n--) {
      Stream stream = backlogged.peek();
      if (!stream.isLive()) {
        backlogged.poll().scheduled = false;
        continue;
      }
      if (!outbound.writable()) {
        parkWaiting();
        return served;
      }
      backlogged.poll();
      served++;
      stream.deficit += QUANTUM_BYTES;
      settle(stream, read(stream, stream.deficit, 1), false);
    }
    return served;
  }

  /** Reads and charges the deficit of a backlogged socket ({@code charge} 1) with what it read. */
  private ReadResult read(Stream stream, long budget, int charge) {
    long before = stream.bytes.toPeer;
    ReadResult result = reader.read(stream, budget);
    stream.deficit -= charge * (stream.bytes.toPeer - before);
    return result;
  }

  /** Puts a socket just served where its result says: round robin, out of the lists, or parked. */
  private void settle(Stream stream, ReadResult result, boolean wasSparse) {
    if (!stream.isLive()) {
      stream.scheduled = false;
      return;
    }
    switch (result) {
      case MORE:
        if (wasSparse) {
          stream.deficit = 0; // joins the round with a fresh deficit: what it read as sparse was its quantum
        }
        stream.backlogged = true;
        backlogged.add(stream);
        break;
      case BLOCKED:
        (wasSparse ? sparse : backlogged).addFirst(stream); // first in line once the channel drains
        parkWaiting();
        break;
      default:
        stream.scheduled = false;
        stream.backlogged = false;
        stream.deficit = 0;
        break;
    }
  }

  /** The channel is not writable: every socket still waiting keeps its place but stops being read. */
  private void parkWaiting() {
    for (Stream stream : sparse) {
      park(stream);
    }
    for (Stream stream : backlogged) {
      park(stream);
    }
  }

  /** The channel is writable again: every parked socket may read, from its place in line, next turn. */
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

  /** Sockets in line now, sparse and backlogged (tests). */
  int waitingCount() {
    return sparse.size() + backlogged.size();
  }

  private void park(Stream stream) {
    if (!stream.parked && stream.isLive()) {
      stream.parked = true;
      parked.add(stream);
      stream.updateInterest();
    }
  }
}

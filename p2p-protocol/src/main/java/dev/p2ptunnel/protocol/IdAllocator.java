package dev.p2ptunnel.protocol;

import java.util.BitSet;

/**
 * Hands out Uint16 ids round-robin, wrapping 65 535 → 0, and never an id that is still live. The client uses it
 * for socket ids: round-robin keeps a just-freed id unused for as long as possible, so that late frames of a
 * closed socket are not mistaken for a new one.
 *
 * <p>Not thread-safe: one thread (the bridge's loop) owns an allocator.
 */
public final class IdAllocator {
  /** Number of distinct ids. */
  public static final int CAPACITY = Frame.MAX_U16 + 1;

  private final BitSet live = new BitSet(CAPACITY);
  private int next;
  private int liveCount;

  /** An allocator whose first id is 0. */
  public IdAllocator() {
    this(0);
  }

  /** An allocator whose first id is {@code firstId}. */
  public IdAllocator(int firstId) {
    Frame.checkU16("firstId", firstId);
    this.next = firstId;
  }

  /**
   * The next id after the previous one that is not live; it becomes live.
   *
   * @throws IllegalStateException when all {@value #CAPACITY} ids are live
   */
  public int allocate() {
    if (liveCount == CAPACITY) {
      throw new IllegalStateException("ids exhausted: all " + CAPACITY + " ids are live");
    }
    int id = live.nextClearBit(next);
    if (id >= CAPACITY) {
      id = live.nextClearBit(0);
    }
    live.set(id);
    liveCount++;
    next = (id + 1) & Frame.MAX_U16;
    return id;
  }

  /**
   * Makes a live id free again.
   *
   * @throws IllegalArgumentException if {@code id} is not a Uint16
   * @throws IllegalStateException if {@code id} is not live
   */
  public void free(int id) {
    Frame.checkU16("id", id);
    if (!live.get(id)) {
      throw new IllegalStateException("id: " + id + " (expected: a live id)");
    }
    live.clear(id);
    liveCount--;
  }

  /** Whether {@code id} is live. */
  public boolean isLive(int id) {
    Frame.checkU16("id", id);
    return live.get(id);
  }

  /** Number of live ids. */
  public int liveCount() {
    return liveCount;
  }
}

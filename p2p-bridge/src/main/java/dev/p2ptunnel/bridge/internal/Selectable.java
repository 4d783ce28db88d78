package dev.p2ptunnel.bridge.internal;

import java.nio.channels.SelectionKey;

/**
 * What the loop's selector keys carry besides logical sockets ({@link Stream}): the client's listening ports and UDP
 * ports, the host's UDP flows. The loop hands each ready key to its attachment. Loop thread only.
 */
interface Selectable {
  /** The key is ready ({@code key.readyOps()}). */
  void ready(SelectionKey key);
}

package dev.p2ptunnel.demo;

import dev.p2ptunnel.bridge.BridgeListener;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The client's line for a local connection accepted while the tunnel is reconnecting: such a connection is kept, but
 * nothing goes through it until the host is back, so the user is told that it waits, for how long at most (the rest
 * of the grace period), and what happens then. One line per connection. Its callbacks run on the bridge's thread;
 * thread-safe (it keeps nothing but what it was given).
 */
final class WaitingConnections implements BridgeListener {
  private final Console console;
  private final Duration grace;
  private final Supplier<@Nullable Instant> reconnectingSince;
  private final Clock clock;

  /**
   * @param reconnectingSince since when the tunnel is reconnecting, or null while it is not (or not yet made)
   */
  WaitingConnections(Console console, Duration grace, Supplier<@Nullable Instant> reconnectingSince, Clock clock) {
    this.console = console;
    this.grace = grace;
    this.reconnectingSince = reconnectingSince;
    this.clock = clock;
  }

  @Override
  public void onSocketOpened(int socketId, SocketAddress address) {
    Instant since = reconnectingSince.get();
    if (since != null) {
      console.event(line(address, since, clock.instant(), grace));
    }
  }

  /** The line for a connection from {@code from} accepted at {@code now}, the tunnel reconnecting since {@code since}. */
  static String line(SocketAddress from, Instant since, Instant now, Duration grace) {
    Duration left = grace.minus(Duration.between(since, now));
    String who = from instanceof InetSocketAddress inet ? Addresses.format(inet) : String.valueOf(from);
    return "new connection from " + who + " waits for the host to come back (at most "
        + Hints.duration(Duration.ofSeconds(Math.max(0, (left.toMillis() + 999) / 1000))) + " more): it goes through once the host "
        + "is back, or is closed with the rest when the grace period (" + Hints.duration(grace) + ") ends without it";
  }
}

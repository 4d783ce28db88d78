package dev.p2ptunnel.signaling.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.jspecify.annotations.Nullable;

/**
 * What Jetty does not do by itself (docs/SIGNALING.md): at most {@code maxPerAddress} open connections from one
 * client address (trusted proxies are exempt; one more is answered 429 {@code too_many_connections} with
 * {@code Retry-After} and {@code Connection: close} if its request head comes within {@link #OVER_LIMIT_HEAD_NS},
 * else closed, so that a client of that address, e.g. a host beside a flood, learns why and backs off), and a
 * deadline for request headers: a
 * connection must deliver a complete request head within the header timeout of its opening or of its previous
 * response, or it is closed. So a client that drips its headers a byte at a time (slowloris) holds its connection
 * for the header timeout at most, whatever Jetty's idle timeout, which each byte would reset. A bean on the
 * connector (Jetty calls it for every connection); thread-safe.
 */
final class ConnectionGuard implements Connection.Listener {
  /** How long a connection over the per-address limit may take to send the request head that gets its 429. */
  static final long OVER_LIMIT_HEAD_NS = TimeUnit.SECONDS.toNanos(1);

  private final int maxPerAddress;
  private final long headerTimeoutNs;
  private final ScheduledExecutorService timer;
  private final ClientAddresses addresses;
  private final Metrics metrics;
  private final ConcurrentHashMap<Connection, Entry> open = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  private static final class Entry {
    final String address;
    final boolean counted;
    /** Over the per-address limit: its request is answered 429 and the connection closed. */
    final boolean overLimit;
    boolean busy;
    @Nullable ScheduledFuture<?> deadline;

    Entry(String address, boolean counted, boolean overLimit) {
      this.address = address;
      this.counted = counted;
      this.overLimit = overLimit;
    }
  }

  ConnectionGuard(int maxPerAddress, long headerTimeoutNs, ScheduledExecutorService timer,
      ClientAddresses addresses, Metrics metrics) {
    this.maxPerAddress = maxPerAddress;
    this.headerTimeoutNs = headerTimeoutNs;
    this.timer = timer;
    this.addresses = addresses;
    this.metrics = metrics;
  }

  /** Open connections now (for metrics and tests). */
  int openConnections() {
    return open.size();
  }

  @Override
  public void onOpened(Connection connection) {
    String address = ClientAddresses.peer(connection.getEndPoint().getRemoteSocketAddress());
    boolean counted = !addresses.trustedProxy(address);
    if (counted) {
      int count = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
      if (count > maxPerAddress) {
        release(address);
        metrics.rejected("connection_limit");
        Entry over = new Entry(address, false, true); // not counted: it is answered and closed
        open.put(connection, over);
        arm(connection, over);
        return;
      }
    }
    Entry entry = new Entry(address, counted, false);
    open.put(connection, entry);
    arm(connection, entry);
  }

  @Override
  public void onClosed(Connection connection) {
    Entry entry = open.remove(connection);
    if (entry == null) {
      return;
    }
    synchronized (entry) {
      if (entry.deadline != null) {
        entry.deadline.cancel(false);
      }
    }
    if (entry.counted) {
      release(entry.address);
    }
  }

  private void release(String address) {
    perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  /** Whether {@code connection} is over its address's limit: its request gets 429 and the connection closes. */
  boolean overLimit(Connection connection) {
    Entry entry = open.get(connection);
    return entry != null && entry.overLimit;
  }

  /** The limit, for the 429's message. */
  int maxPerAddress() {
    return maxPerAddress;
  }

  /** A request's head arrived on {@code connection}: no deadline while it is handled. */
  void requestStarted(Connection connection) {
    Entry entry = open.get(connection);
    if (entry != null) {
      synchronized (entry) {
        entry.busy = true;
        if (entry.deadline != null) {
          entry.deadline.cancel(false);
          entry.deadline = null;
        }
      }
    }
  }

  /** Its response went out: the next request's head is due within the header timeout. */
  void requestEnded(Connection connection) {
    Entry entry = open.get(connection);
    if (entry != null) {
      synchronized (entry) {
        entry.busy = false;
      }
      arm(connection, entry);
    }
  }

  private void arm(Connection connection, Entry entry) {
    synchronized (entry) {
      if (entry.busy) {
        return;
      }
      if (entry.deadline != null) {
        entry.deadline.cancel(false);
      }
      entry.deadline = timer.schedule(() -> {
        synchronized (entry) {
          if (entry.busy || open.get(connection) != entry) {
            return;
          }
        }
        if (!entry.overLimit) {
          metrics.rejected("header_timeout");
        }
        connection.getEndPoint().close();
      }, entry.overLimit ? Math.min(OVER_LIMIT_HEAD_NS, headerTimeoutNs) : headerTimeoutNs, TimeUnit.NANOSECONDS);
    }
  }
}

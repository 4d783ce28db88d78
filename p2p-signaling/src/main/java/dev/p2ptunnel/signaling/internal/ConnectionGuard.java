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
 * client address (more are closed at once; trusted proxies are exempt), and a deadline for request headers: a
 * connection must deliver a complete request head within the header timeout of its opening or of its previous
 * response, or it is closed. So a client that drips its headers a byte at a time (slowloris) holds its connection
 * for the header timeout at most, whatever Jetty's idle timeout, which each byte would reset. A bean on the
 * connector (Jetty calls it for every connection); thread-safe.
 */
final class ConnectionGuard implements Connection.Listener {
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
    boolean busy;
    @Nullable ScheduledFuture<?> deadline;

    Entry(String address, boolean counted) {
      this.address = address;
      this.counted = counted;
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
        connection.getEndPoint().close();
        return;
      }
    }
    Entry entry = new Entry(address, counted);
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
        metrics.rejected("header_timeout");
        connection.getEndPoint().close();
      }, headerTimeoutNs, TimeUnit.NANOSECONDS);
    }
  }
}

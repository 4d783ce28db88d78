package dev.p2ptunnel.rendezvous;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@link RendezvousListener} that records what it is told, for tests to wait on. Thread-safe. */
final class Events implements RendezvousListener {
  private final List<String> lines = new ArrayList<>();

  @Override
  public synchronized void onBrokerConnected(String broker) {
    lines.add("up " + broker);
    notifyAll();
  }

  @Override
  public synchronized void onBrokerDisconnected(String broker, String reason) {
    lines.add("down " + broker + ": " + reason);
    notifyAll();
  }

  @Override
  public synchronized void onDiscarded(String reason) {
    lines.add("discarded " + reason);
    notifyAll();
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  synchronized List<String> discarded() {
    return lines.stream().filter(line -> line.startsWith("discarded ")).toList();
  }

  /** Waits (up to 30 s) until {@code count} lines match; returns them. */
  synchronized List<String> await(Predicate<String> match, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<String> found = lines.stream().filter(match).toList();
      if (found.size() >= count) {
        return found;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("events within 30 s: " + lines + " (expected " + count + " matching)");
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}

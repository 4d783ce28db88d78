package dev.p2ptunnel.rendezvous;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The setup the broker tests share: each test skips (saying why) where mosquitto is not installed, and whatever it
 * opened through {@link #track} (brokers, recorders, signaling ends) is closed after it, last opened first, even when
 * one of them fails to close. Register it as an instance {@code @RegisterExtension} field. Not thread-safe (JUnit's
 * thread only).
 */
final class BrokerFixture implements BeforeEachCallback, AfterEachCallback {
  private final List<AutoCloseable> open = new ArrayList<>();

  @Override
  public void beforeEach(ExtensionContext context) {
    Mosquitto.assumeInstalled();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception first = null;
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }

  /** Closes {@code resource} after the test; returns it. */
  <T extends AutoCloseable> T track(T resource) {
    open.add(resource);
    return resource;
  }

  /** A reply the test waits for: a bound on a hang (30 s), not a timing claim. */
  static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }
}

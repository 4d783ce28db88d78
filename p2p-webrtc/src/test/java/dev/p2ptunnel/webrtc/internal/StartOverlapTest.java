package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The warm-ups' contract: once per flag, on a daemon thread of the given name, not at all with the overlap off, and a
 * failure is one DEBUG line, never an exception anywhere. Waits for the warm-up's thread itself, never for time.
 */
class StartOverlapTest {
  /** Generous: a warm-up here does nothing, but the machine may be busy with other builds. */
  private static final long JOIN_MS = 60_000;

  private final AtomicBoolean done = new AtomicBoolean();
  private final List<String> ran = new CopyOnWriteArrayList<>();

  private StartOverlap.Work recorder() {
    return () -> ran.add(Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " daemon" : ""));
  }

  private static void finish(@Nullable Thread thread) throws InterruptedException {
    assertNotNull(thread, "started");
    thread.join(JOIN_MS);
    assertFalse(thread.isAlive(), "the warm-up ended");
  }

  @Test
  void aWarmUpRunsOnceOnADaemonThreadOfItsName() throws InterruptedException {
    finish(StartOverlap.once(done, "p2p-tunnel-test", "testing", recorder()));
    assertEquals(List.of("p2p-tunnel-test daemon"), ran);
    assertTrue(done.get());
    assertNull(StartOverlap.once(done, "p2p-tunnel-test", "testing", recorder()), "done already: nothing starts");
    assertEquals(1, ran.size());
  }

  @Test
  void ofCallersRacingForOneFlagExactlyOneStartsIt() throws InterruptedException {
    int callers = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      Thread caller = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        Thread warmUp = StartOverlap.once(done, "p2p-tunnel-test", "testing", recorder());
        if (warmUp != null) {
          started.add(warmUp);
        }
      });
      caller.start();
      threads.add(caller);
    }
    go.countDown();
    for (Thread caller : threads) {
      caller.join(JOIN_MS);
      assertFalse(caller.isAlive());
    }
    assertEquals(1, started.size(), "one warm-up for " + callers + " callers");
    finish(started.get(0));
    assertEquals(List.of("p2p-tunnel-test daemon"), ran);
  }

  @Test
  void withTheOverlapOffNothingRunsNeitherHereNorElsewhere() throws InterruptedException {
    String before = System.getProperty(StartOverlap.PROPERTY);
    System.setProperty(StartOverlap.PROPERTY, "off");
    try {
      assertFalse(StartOverlap.overlapOn());
      assertNull(StartOverlap.once(done, "p2p-tunnel-test", "testing", recorder()), "no thread");
      assertEquals(List.of(), ran, "and not on the caller's thread either");
      assertFalse(done.get(), "the flag stays as it was");
    } finally {
      if (before == null) {
        System.clearProperty(StartOverlap.PROPERTY);
      } else {
        System.setProperty(StartOverlap.PROPERTY, before);
      }
    }
    assertTrue(StartOverlap.overlapOn(), "any other value, or none, is on");
    finish(StartOverlap.once(done, "p2p-tunnel-test", "testing", recorder()));
    assertEquals(List.of("p2p-tunnel-test daemon"), ran, "a later call with the overlap on still runs it, once");
  }

  @Test
  void aFailureIsOneDebugLineAndReachesNoHandler() throws InterruptedException {
    List<String> lines = new CopyOnWriteArrayList<>();
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    LogCapture recorder = LogCapture.of("dev.p2ptunnel.webrtc.tunnel",
        record -> lines.add(record.getLevel() + " " + LogCapture.text(record)));
    try (recorder) {
      Thread failing = StartOverlap.once(done, "p2p-tunnel-test", "preloading the test's classes", () -> {
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        throw new IllegalStateException("no such class");
      });
      finish(failing);
      Thread erring = StartOverlap.once(new AtomicBoolean(), "p2p-tunnel-test", "rehearsing the test's write", () -> {
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        throw new NoClassDefFoundError("dev/p2ptunnel/Missing");
      });
      finish(erring);
    }
    assertEquals(List.of("FINE preloading the test's classes failed: java.lang.IllegalStateException: no such class",
        "FINE rehearsing the test's write failed: java.lang.NoClassDefFoundError: dev/p2ptunnel/Missing"), lines);
    assertEquals(List.of(), uncaught, "nothing thrown out of the warm-up");
  }

  @Test
  void aBrokenLogHandlerFailsNothingEither() throws InterruptedException {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    LogCapture broken = LogCapture.of("dev.p2ptunnel.webrtc.tunnel", record -> {
      throw new IllegalStateException("a broken log handler");
    });
    try (broken) {
      finish(StartOverlap.once(done, "p2p-tunnel-test", "testing", () -> {
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        throw new IllegalStateException("failed");
      }));
    }
    assertEquals(List.of(), uncaught);
  }
}

package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WakePipeTest {
  @Test
  @Timeout(120)
  void wakeEndsASelectThatWaitsWithoutLimit() throws Exception {
    try (Selector selector = Selector.open()) {
      WakePipe pipe = WakePipe.open(selector);
      try {
        CompletableFuture<List<SelectionKey>> woken = new CompletableFuture<>();
        Thread loop = new Thread(() -> {
          List<SelectionKey> ready = new ArrayList<>();
          try {
            selector.select(ready::add); // no timeout: only the pipe can end it
            woken.complete(ready);
          } catch (Exception e) {
            woken.completeExceptionally(e);
          }
        }, "wake-pipe-test-loop");
        loop.start();
        pipe.wake();
        List<SelectionKey> ready = woken.get(60, TimeUnit.SECONDS);
        assertEquals(1, ready.size());
        assertSame(pipe, ready.get(0).attachment());
        loop.join();
      } finally {
        pipe.close();
      }
    }
  }

  @Test
  void aWakeBeforeTheSelectIsKeptUntilDrained() throws Exception {
    try (Selector selector = Selector.open()) {
      WakePipe pipe = WakePipe.open(selector);
      try {
        pipe.wake();
        List<SelectionKey> ready = new ArrayList<>();
        assertEquals(1, selector.selectNow(ready::add));
        assertEquals(1, selector.selectNow(ready::add), "not drained: still reported");
        pipe.ready(ready.get(0));
        assertEquals(0, selector.selectNow(ready::add), "drained: nothing to report");
      } finally {
        pipe.close();
      }
    }
  }

  @Test
  void aFullPipeNeverBlocksTheWakerAndDrainsInOne() throws Exception {
    try (Selector selector = Selector.open()) {
      WakePipe pipe = WakePipe.open(selector);
      try {
        for (int i = 0; i < 1_000_000; i++) { // far beyond a pipe's buffer: each write past it writes nothing
          pipe.wake();
        }
        List<SelectionKey> ready = new ArrayList<>();
        assertEquals(1, selector.selectNow(ready::add));
        pipe.ready(ready.get(0));
        assertEquals(0, selector.selectNow(ready::add), "one ready() reads all that was written");
      } finally {
        pipe.close();
      }
    }
  }

  @Test
  void aWakeAfterCloseIsIgnored() throws Exception {
    try (Selector selector = Selector.open()) {
      WakePipe pipe = WakePipe.open(selector);
      pipe.close();
      pipe.wake(); // the loop has ended: nothing to wake, nothing thrown
      assertFalse(selector.keys().stream().anyMatch(SelectionKey::isValid));
    }
  }

  @Test
  @Timeout(120)
  void anInterruptedWakerWakesAndKeepsThePipeAndItsInterruptStatus() throws Exception {
    try (Selector selector = Selector.open()) {
      WakePipe pipe = WakePipe.open(selector);
      try {
        Thread.currentThread().interrupt();
        pipe.wake();
        assertTrue(Thread.interrupted(), "the caller's interrupt status is kept");
        List<SelectionKey> ready = new ArrayList<>();
        assertEquals(1, selector.selectNow(ready::add), "woken through the pipe");
        pipe.ready(ready.get(0));
        assertTrue(ready.get(0).isValid(), "the pipe still works: an interrupted write would have closed it");
        pipe.wake();
        assertEquals(1, selector.selectNow(), "a later wake-up still goes through the pipe");
      } finally {
        Thread.interrupted();
        pipe.close();
      }
    }
  }

  @Test
  @Timeout(120)
  void aPipeClosedUnderAWriterFallsBackToTheSelectorAndIsNotReportedForever() throws Exception {
    try (Selector selector = Selector.open()) {
      WakePipe pipe = WakePipe.open(selector);
      try {
        pipe.closeSinkForTest(); // what an interrupt in the middle of a write does
        List<SelectionKey> ready = new ArrayList<>();
        assertEquals(1, selector.selectNow(ready::add), "the closed sink shows as end of stream");
        pipe.ready(ready.get(0));
        assertFalse(ready.get(0).isValid(), "an end that is always ready is no longer watched");
        assertEquals(0, selector.selectNow(), "not reported again: the loop would spin");
        CompletableFuture<Integer> woken = new CompletableFuture<>();
        Thread loop = new Thread(() -> {
          try {
            woken.complete(selector.select()); // no timeout: only a wake-up can end it
          } catch (Exception e) {
            woken.completeExceptionally(e);
          }
        }, "wake-pipe-test-loop");
        loop.start();
        pipe.wake();
        woken.get(60, TimeUnit.SECONDS);
        loop.join();
      } finally {
        pipe.close();
      }
    }
  }
}

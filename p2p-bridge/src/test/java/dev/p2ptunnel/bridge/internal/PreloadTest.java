package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.ClientBridge;
import dev.p2ptunnel.bridge.HostBridge;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The bridge's preload: an engine of each role started and closed on the calling thread, with no peer. */
class PreloadTest {
  @Test
  void preloadingRunsAnEngineOfTheRoleToItsCloseOnTheCallingThreadAndStartsNoThread() throws Exception {
    Set<String> before = threads();
    for (boolean host : new boolean[] {false, true}) {
      Preload.Sink sink = new Preload.Sink();
      Engine engine = Preload.startAndClose(host, sink);
      assertFalse(engine.isOpen(), "closed when it returns (host " + host + ")");
      assertEquals(Preload.REASON, engine.closedFuture().getNow(null));
      assertTrue(sink.sent >= 1, "the engine announced its extensions to nobody: " + sink.sent + " message(s)");
      assertFalse(sink.isOpen(), "the engine closed its channel");
    }
    assertEquals(before, threads(), "no thread was started (and none left behind)");
  }

  @Test
  void theApiPreloadsOncePerRoleAndLaterCallsReturnAtOnce() throws Exception {
    ClientBridge.preload();
    HostBridge.preload();
    assertFalse(Preload.run(false), "the client's role was loaded already");
    assertFalse(Preload.run(true), "the host's role was loaded already");
  }

  private static Set<String> threads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(name -> name.startsWith("p2p-")).collect(Collectors.toSet());
  }
}

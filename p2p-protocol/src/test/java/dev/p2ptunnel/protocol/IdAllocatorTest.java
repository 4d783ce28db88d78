package dev.p2ptunnel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdAllocatorTest {

  @Test
  void shouldHandOutIdsRoundRobinAndWrap() {
    IdAllocator ids = new IdAllocator(65_534);
    assertEquals(65_534, ids.allocate());
    assertEquals(65_535, ids.allocate());
    assertEquals(0, ids.allocate(), "wraps 65535 -> 0");
    ids.free(65_534);
    assertEquals(1, ids.allocate(), "a freed id is not handed out again before the others");
  }

  @Test
  void shouldSkipLiveIdsWhenWrapping() {
    IdAllocator ids = new IdAllocator();
    int first = ids.allocate(); // 0 stays live
    for (int i = 1; i < 65_536; i++) {
      ids.free(ids.allocate());
    }
    assertEquals(0, first);
    assertEquals(1, ids.allocate(), "after the wrap, live 0 is skipped");
  }

  @Test
  void shouldNeverHandOutALiveIdOverAMillionRandomCycles() {
    Random random = new Random(20261124);
    IdAllocator ids = new IdAllocator();
    boolean[] live = new boolean[65_536];
    List<Integer> liveList = new ArrayList<>();
    for (int cycle = 0; cycle < 1_000_000; cycle++) {
      // Drift the live set between empty and nearly full, so that wrap-around meets many live ids.
      int target = (int) (32_768 + 32_000 * Math.sin(cycle / 20_000.0));
      if (liveList.size() < target || liveList.isEmpty()) {
        int id = ids.allocate();
        assertFalse(live[id], "handed out live id " + id + " in cycle " + cycle);
        live[id] = true;
        liveList.add(id);
      } else {
        int index = random.nextInt(liveList.size());
        int id = liveList.get(index);
        liveList.set(index, liveList.get(liveList.size() - 1));
        liveList.remove(liveList.size() - 1);
        ids.free(id);
        live[id] = false;
      }
      assertEquals(liveList.size(), ids.liveCount());
    }
  }

  @Test
  void shouldReportExhaustionClearly() {
    IdAllocator ids = new IdAllocator();
    for (int i = 0; i < 65_536; i++) {
      ids.allocate();
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, ids::allocate);
    assertEquals("ids exhausted: all 65536 ids are live", e.getMessage());
    ids.free(40_000);
    assertEquals(40_000, ids.allocate());
  }

  @Test
  void shouldRejectFreeingAnIdThatIsNotLive() {
    IdAllocator ids = new IdAllocator();
    assertEquals("id: 3 (expected: a live id)",
        assertThrows(IllegalStateException.class, () -> ids.free(3)).getMessage());
    assertEquals("id: 65536 (expected: 0..65535)",
        assertThrows(IllegalArgumentException.class, () -> ids.free(65_536)).getMessage());
    int id = ids.allocate();
    assertTrue(ids.isLive(id));
  }
}

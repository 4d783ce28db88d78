package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.TrustStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rehearsal of the known hosts' first write leaves the directory as it found it, and never throws. */
class KnownHostsWarmUpTest {
  @TempDir
  Path dir;

  private List<Path> files() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.sorted().toList();
    }
  }

  @Test
  void theRehearsalWritesAndRemovesItsScratchStoreOnly() throws IOException {
    Path known = dir.resolve("known_hosts");
    Files.writeString(known, "# a person's comment\nhost:abc sha-256 AB\n", StandardCharsets.UTF_8);
    assertTrue(KnownHostsWarmUp.rehearse(dir));
    assertEquals(List.of(known), files(), "nothing left beside the known hosts");
    assertEquals("# a person's comment\nhost:abc sha-256 AB\n", Files.readString(known), "the real store untouched");
    assertEquals("sha-256 AB", TrustStore.open(known).fingerprint("host:abc").orElseThrow());
  }

  @Test
  void aDirectoryThatCannotBeWrittenFailsQuietly() throws IOException {
    Path missing = dir.resolve("not-there");
    assertFalse(KnownHostsWarmUp.rehearse(missing), "no scratch file without the directory");
    assertFalse(Files.exists(missing), "the rehearsal never creates the directory");
    assertEquals(List.of(), files());
  }

  @Test
  void storesWithoutAFileStartNothing() {
    assertFalse(KnownHostsWarmUp.inBackground(null), "no store");
    assertFalse(KnownHostsWarmUp.inBackground(TrustStore.inMemory()), "a store in memory is never written");
  }

  @Test
  void aFailedRehearsalIsOneDebugLineNamingTheException() {
    List<String> lines = new CopyOnWriteArrayList<>();
    LogCapture recorder = LogCapture.of("dev.p2ptunnel.webrtc.tunnel", record -> lines.add(LogCapture.text(record)));
    try (recorder) {
      assertFalse(KnownHostsWarmUp.rehearse(dir.resolve("not-there")));
    }
    assertEquals(1, lines.size(), String.valueOf(lines));
    assertTrue(lines.get(0).startsWith("rehearsing the known hosts' write failed: java.nio.file.NoSuchFileException"),
        lines.get(0));
  }
}

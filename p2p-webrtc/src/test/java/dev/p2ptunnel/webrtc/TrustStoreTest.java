package dev.p2ptunnel.webrtc;

import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.allow;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.principal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.internal.dirs.InUseRetry;
import dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The known-hosts file: written when an entry changes, left as it is when a join only confirms what it holds. */
class TrustStoreTest {
  private static final String FP = "sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD"
      + ":EF:01:23:45:67:89";
  private static final String OTHER = FP.replace("AB:CD", "BA:DC");
  /** How Java reports ERROR_SHARING_VIOLATION on Windows. */
  private static final String SHARING = "The process cannot access the file because it is being used by another"
      + " process";

  @Test
  void rememberingAHostItKnowsLeavesTheFileAsThePersonEditedIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("known-hosts");
    TrustStore store = TrustStore.open(file);
    store.rememberHost("http://signal.test/#SESSION", FP);
    String edited = Files.readString(file, StandardCharsets.UTF_8) + "# the office's host, checked by phone\n";
    Files.writeString(file, edited, StandardCharsets.UTF_8);

    store.rememberHost("http://signal.test/#SESSION", FP);
    assertEquals(edited, Files.readString(file, StandardCharsets.UTF_8), "unchanged: not rewritten");

    store.rememberHost("http://signal.test/#SESSION", OTHER);
    String now = Files.readString(file, StandardCharsets.UTF_8);
    assertTrue(now.contains("http://signal.test/#SESSION " + OTHER + "\n"), now);
    assertFalse(now.contains(FP), "a changed entry is written: " + now);
    assertEquals(OTHER, TrustStore.open(file).fingerprint("http://signal.test/#SESSION").orElseThrow());
  }

  @Test
  void trustingAClientKeepsItsNameAndATrustedNameChangeIsWritten(@TempDir Path dir) {
    Path file = dir.resolve("trusted");
    TrustStore store = TrustStore.open(file);
    store.trustClient(FP, "alice\u202e");
    store.trustClient(FP, "alice laptop");
    assertTrue(TrustStore.open(file).trustsClient(FP));
    assertTrue(readable(file).contains(" alice laptop\n"), readable(file));
  }

  @Test
  void onWindowsTheListIsTheUsersAloneSoThatNobodyElseCanTrustThemselves() throws Exception {
    List<AclEntry> inherited = List.of(allow(principal(WindowsFileSystem.user()), WindowsFileSystem.FULL),
        allow(principal("BUILTIN\\Users"), EnumSet.of(AclEntryPermission.WRITE_DATA, AclEntryPermission.READ_DATA)));
    try (FileSystem fs = WindowsFileSystem.withInheritedAcl(inherited)) {
      Path file = fs.getPath("C:\\Users\\alice\\AppData\\Roaming\\p2p-tunnel\\trusted-clients");
      TrustStore.open(file).trustClient(FP, "alice laptop");

      assertEquals(List.of(allow(principal(WindowsFileSystem.user()), WindowsFileSystem.FULL)),
          WindowsFileSystem.acl(file));
      assertTrue(TrustStore.open(file).trustsClient(FP));
    }
  }

  @Test
  void aReplaceRefusedWhileAnotherProgramHoldsTheFileIsTriedAgain(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("known-hosts");
    List<Duration> pauses = new ArrayList<>();
    int[] refusals = {2};
    TrustStore store = TrustStore.open(file, new InUseRetry(pauses::add), (temp, target) -> {
      if (refusals[0]-- > 0) { // the indexer, then an antivirus scan, have it open for a moment
        throw new FileSystemException(temp.toString(), target.toString(), SHARING);
      }
      TrustStore.Mover.ATOMIC.replace(temp, target);
    });

    store.rememberHost("http://signal.test/#SESSION", FP);

    assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20)), pauses);
    assertEquals(FP, TrustStore.open(file).fingerprint("http://signal.test/#SESSION").orElseThrow());
    assertEquals(List.of("known-hosts"), names(dir), "no temporary file left behind");
  }

  @Test
  void aFileHeldOpenThroughEveryTryFailsNamingItAndKeepsItsContent(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("known-hosts");
    TrustStore.open(file).rememberHost("http://signal.test/#SESSION", FP);
    String before = Files.readString(file, StandardCharsets.UTF_8);
    List<Duration> pauses = new ArrayList<>();
    TrustStore store = TrustStore.open(file, new InUseRetry(pauses::add), (temp, target) -> {
      throw new AccessDeniedException(temp.toString(), target.toString(), null);
    });

    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> store.rememberHost("http://signal.test/#OTHER", OTHER));

    assertTrue(e.getMessage().startsWith("cannot write " + file + ": cannot replace it: "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("(tried 10 times over 1110 ms; another program may hold it open, e.g. a second"
        + " p2p-tunnel, an editor, an antivirus or backup tool: close it or wait, then try again)"), e.getMessage());
    assertEquals(InUseRetry.ATTEMPTS - 1, pauses.size());
    assertEquals(before, Files.readString(file, StandardCharsets.UTF_8), "the file keeps what it held");
    assertEquals(List.of("known-hosts"), names(dir), "no temporary file left behind");
  }

  private static List<String> names(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private static String readable(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The known-hosts file: written when an entry changes, left as it is when a join only confirms what it holds. */
class TrustStoreTest {
  private static final String FP = "sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD"
      + ":EF:01:23:45:67:89";
  private static final String OTHER = FP.replace("AB:CD", "BA:DC");

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

  private static String readable(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

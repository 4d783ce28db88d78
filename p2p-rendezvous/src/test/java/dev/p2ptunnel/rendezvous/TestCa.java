package dev.p2ptunnel.rendezvous;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway certificate authority and broker certificates made with the openssl command line, for TLS tests
 * against a real mosquitto. Files are world-readable (mosquitto drops root); the keys protect nothing but the test.
 */
final class TestCa {
  private final Path dir;

  private TestCa(Path dir) {
    this.dir = dir;
  }

  /** A broker's files: the CA that signed it, its certificate and key (PEM). */
  record Broker(Path caFile, Path certFile, Path keyFile) {}

  /** A new CA; skips the test, saying why, when openssl is missing. */
  static TestCa create() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("p2p-test-ca-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    TestCa ca = new TestCa(dir);
    ca.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", "/CN=p2p-tunnel test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", "ca.key", "-out", "ca.pem");
    return ca;
  }

  Path caFile() {
    return dir.resolve("ca.pem");
  }

  /** A certificate for {@code ip} (subject alternative name IP), signed by this CA. */
  Broker issue(String name, String ip) throws IOException, InterruptedException {
    Files.write(dir.resolve(name + ".ext"), List.of("subjectAltName=IP:" + ip, "extendedKeyUsage=serverAuth"),
        StandardCharsets.UTF_8);
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + name,
        "-keyout", name + ".key", "-out", name + ".csr");
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem");
    for (String file : List.of("ca.pem", name + ".pem", name + ".key")) {
      Files.setPosixFilePermissions(dir.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
    }
    return new Broker(caFile(), dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      String reason = "SKIPPED: openssl is not installed (run scripts/install-test-deps.sh): " + e.getMessage();
      System.err.println(reason);
      Assumptions.abort(reason);
      throw e;
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(command + " failed: " + out);
    }
  }
}

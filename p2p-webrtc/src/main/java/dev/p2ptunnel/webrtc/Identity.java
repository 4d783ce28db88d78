package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.webrtc.internal.dirs.InUseRetry;
import dev.p2ptunnel.webrtc.internal.dirs.PrivateFiles;
import dev.p2ptunnel.webrtc.internal.dirs.UserDirectories;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The DTLS identity of one installation: an ECDSA P-256 key and a self-signed X.509 certificate, given to every
 * WebRTC session so that its fingerprint ({@link #fingerprint()}) stays the same across sessions and restarts. A
 * host recognises a trusted client by it, a client recognises a host it met before ({@link TrustStore}), and the
 * short authentication code covers it ({@link ShortAuthString}).
 *
 * <p>{@link #loadOrCreate(Path)} keeps it in a directory (by default {@link #defaultDirectory()}):
 * {@code identity-key.pem} (PKCS#8, private to the user: permissions 0600 where the file system is POSIX, an
 * owner-only ACL on Windows), {@code identity-cert.pem}, and {@code session-secret} (32 random bytes, private the
 * same way) from which {@link #sessionClaim} derives stable Session IDs. Delete
 * the two {@code identity-*} files to reset the identity (peers that trusted the old one will see a changed identity);
 * delete {@code session-secret} to change every Session ID derived from it. Immutable and thread-safe.
 */
public final class Identity {
  /** The certificate's validity: libwebrtc refuses an expired certificate, so it lasts long. */
  static final Duration VALIDITY = Duration.ofDays(3650);
  static final String KEY_FILE = "identity-key.pem";
  static final String CERT_FILE = "identity-cert.pem";
  static final String SECRET_FILE = "session-secret";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] keyPkcs8;
  private final byte[] certificateDer;
  private final byte[] sessionSecret;
  private final String fingerprint;
  private final long expiresEpochMs;

  private Identity(byte[] keyPkcs8, byte[] certificateDer, byte[] sessionSecret) {
    this.keyPkcs8 = keyPkcs8;
    this.certificateDer = certificateDer;
    this.sessionSecret = sessionSecret;
    X509Certificate certificate = parseCertificate(certificateDer);
    this.expiresEpochMs = certificate.getNotAfter().getTime();
    this.fingerprint = fingerprintOf(certificateDer);
    privateKey(); // fails early on a damaged key file
  }

  /** A new identity held in memory only (each call a different one): for tests and one-off sessions. */
  public static Identity generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair pair = generator.generateKeyPair();
      Instant now = Instant.now();
      X500Name name = new X500Name("CN=p2p-tunnel");
      byte[] serial = new byte[16];
      RANDOM.nextBytes(serial);
      X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, new BigInteger(1, serial),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
      byte[] secret = new byte[32];
      RANDOM.nextBytes(secret);
      return new Identity(pair.getPrivate().getEncoded(), holder.getEncoded(), secret);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot generate a DTLS identity: " + e, e);
    }
  }

  /**
   * The identity kept in {@code directory}, created there on first use (the directory too: 0700 where POSIX, an
   * owner-only ACL on Windows). Safe when two processes start at once: each writes its files under a temporary name
   * and renames them into place only if none exist, so both end up with the same identity.
   *
   * @throws UncheckedIOException if the files cannot be read or written, naming the path
   * @throws IllegalArgumentException if a file exists but does not hold what it should, naming it
   */
  public static Identity loadOrCreate(Path directory) {
    Path keyFile = directory.resolve(KEY_FILE);
    Path certFile = directory.resolve(CERT_FILE);
    Path secretFile = directory.resolve(SECRET_FILE);
    try {
      createPrivateDirectory(directory);
      if (!Files.exists(keyFile) || !Files.exists(certFile)) {
        Identity fresh = generate();
        // The key goes first: a certificate without its key is never visible.
        publish(keyFile, pem("PRIVATE KEY", fresh.keyPkcs8), true);
        publish(certFile, pem("CERTIFICATE", fresh.certificateDer), false);
      }
      if (!Files.exists(secretFile)) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        publish(secretFile, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n", true);
      }
      warnIfShared(keyFile);
      warnIfShared(secretFile);
      byte[] key = unpem(keyFile, "PRIVATE KEY");
      byte[] cert = unpem(certFile, "CERTIFICATE");
      byte[] secret;
      try {
        secret = Base64.getUrlDecoder().decode(Files.readString(secretFile, StandardCharsets.US_ASCII).strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(secretFile + ": not base64url (delete it to make a new one)", e);
      }
      if (secret.length < 16) {
        throw new IllegalArgumentException(secretFile + ": " + secret.length + " bytes (expected: at least 16)");
      }
      try {
        return new Identity(key, cert, secret);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(directory + ": " + e.getMessage() + " (delete " + KEY_FILE + " and "
            + CERT_FILE + " to make a new identity)", e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("identity in " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where an installation keeps its identity and trust lists: {@code $XDG_CONFIG_HOME/p2p-tunnel} or
   * {@code ~/.config/p2p-tunnel} on Linux and other Unix systems, {@code %APPDATA%\p2p-tunnel} on Windows,
   * {@code ~/Library/Application Support/p2p-tunnel} on macOS.
   */
  public static Path defaultDirectory() {
    return UserDirectories.config();
  }

  /** The certificate's fingerprint as SDP writes it: {@code sha-256 AB:CD:…} (32 bytes, upper-case hex). */
  public String fingerprint() {
    return fingerprint;
  }

  /** The certificate, DER-encoded (a copy). */
  public byte[] certificateDer() {
    return certificateDer.clone();
  }

  /** The certificate as PEM, for libwebrtc. */
  public String certificatePem() {
    return pem("CERTIFICATE", certificateDer);
  }

  /** The private key as PKCS#8 PEM, for libwebrtc; never log it. */
  public String privateKeyPem() {
    return pem("PRIVATE KEY", keyPkcs8);
  }

  /** When the certificate expires, in milliseconds since the epoch. */
  public long expiresEpochMs() {
    return expiresEpochMs;
  }

  /** Signs {@code data} with the identity key (SHA256withECDSA, DER signature). */
  public byte[] sign(byte[] data) {
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(privateKey());
      signer.update(data);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with the identity key: " + e, e);
    }
  }

  /**
   * Whether {@code signature} is a valid signature of {@code data} by the key of the DER certificate
   * {@code certificateDer}; false for anything malformed.
   */
  public static boolean verify(byte[] certificateDer, byte[] data, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(parseCertificate(certificateDer).getPublicKey());
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The fingerprint SDP would show for a DER certificate: {@code sha-256 AB:CD:…}. */
  public static String fingerprintOf(byte[] certificateDer) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificateDer);
      return "sha-256 " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * A 32-byte secret for claiming the Session ID named {@code sessionName} on a signaling server: HMAC-SHA256 of the
   * name under this installation's session secret. The server derives the Session ID from it (one-way), so only
   * this installation can open that session again after a restart.
   */
  public byte[] sessionClaim(String sessionName) {
    Objects.requireNonNull(sessionName, "sessionName");
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(sessionSecret, "HmacSHA256"));
      return mac.doFinal(("p2p-tunnel session claim v1\n" + sessionName).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  private PrivateKey privateKey() {
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(keyPkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the private key is not an EC key in PKCS#8: " + e.getMessage(), e);
    }
  }

  private static X509Certificate parseCertificate(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Identity[" + fingerprint + "]";
  }

  // ------------------------------------------------------------------------------------------------------- files

  private static void createPrivateDirectory(Path directory) throws IOException {
    PrivateFiles.createDirectories(directory);
  }

  /**
   * Writes {@code text} to a temporary file and renames it to {@code target} unless that exists already. A
   * {@code secret} is private to the user from the temporary file's creation on ({@link PrivateFiles}).
   */
  static void publish(Path target, String text, boolean secret) throws IOException {
    publish(target, text, secret, InUseRetry.SLEEPING, Rename.ATOMIC);
  }

  /** Renames a written temporary file to its name where there are no hard links; tests make it fail as Windows does. */
  @FunctionalInterface
  interface Rename {
    void move(Path temp, Path target) throws IOException;

    Rename ATOMIC = (temp, target) -> {
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target);
      }
    };
  }

  static void publish(Path target, String text, boolean secret, InUseRetry retry, Rename rename) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    String prefix = "." + target.getFileName();
    Path temp = secret ? PrivateFiles.createTempFile(dir, prefix, ".tmp") : Files.createTempFile(dir, prefix, ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.US_ASCII);
      try {
        Files.createLink(target, temp); // atomic, and fails if another process was first
      } catch (FileAlreadyExistsException e) {
        // another process published it first: use theirs
      } catch (UnsupportedOperationException | IOException e) {
        // No hard links here (FAT32, some network shares): a rename, which Windows refuses while another program
        // holds the file (a scanner checking the temporary file just written): retried.
        try {
          retry.run(target, "create", () -> {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) { // else another process was first
              rename.move(temp, target);
            }
          });
        } catch (IOException e3) {
          if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw e3;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      retry.deleteQuietly(temp, e);
      throw e;
    }
    // On Windows deleting the temporary name is refused while a scanner holds the (now linked) file: retried. The
    // identity is in place by now, so a name left over is reported, never a failure of the start.
    try {
      retry.delete(temp);
    } catch (IOException e) {
      log().log(Level.WARNING, "could not remove the temporary " + temp + " (" + e.getMessage() + "); it holds a copy"
          + " of " + target.getFileName() + ", readable only by you: delete it");
    }
  }

  /** The icacls arguments that take each of {@code others} off the file's ACL (explicit entries stay otherwise). */
  private static String removals(List<String> others) {
    StringBuilder arguments = new StringBuilder();
    for (String other : others) {
      arguments.append(" /remove \"").append(other).append('"');
    }
    return arguments.toString();
  }

  /**
   * Warns when a secret can be read by others than the user: one written before p2p-tunnel made such files private on
   * Windows (it got its directory's ACL), or one a person opened up. Says how to make it private; changes nothing.
   */
  private static void warnIfShared(Path file) {
    try {
      List<String> others = PrivateFiles.otherReaders(file);
      if (!others.isEmpty()) {
        String fix = PrivateFiles.posix(file) ? "chmod 600 '" + file + "'"
            : "icacls \"" + file + "\" /inheritance:r /grant:r \"" + PrivateFiles.currentUserName() + ":F\""
                + removals(others);
        log().log(Level.WARNING, file + " can be read by " + String.join(", ", others) + ", not only by you; make it"
            + " private: " + fix);
      }
    } catch (IOException | RuntimeException e) {
      log().log(Level.DEBUG, "cannot tell who may read {0}: {1}", file, e.toString());
    }
  }

  /**
   * The logger, fetched when something is to be logged: a logger held from class initialisation would set up the
   * logging framework on every start (~50 classes, java.util.logging's LogManager), for a warning that is rare.
   */
  private static System.Logger log() {
    return System.getLogger(Identity.class.getName());
  }

  static String pem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    out.write("-----BEGIN " + type + "-----\n");
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    out.write(body);
    out.write("\n-----END " + type + "-----\n");
    return out.toString();
  }

  private static byte[] unpem(Path file, String type) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(file + ": no " + begin + " … " + end + " block");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the PEM block is not base64", e);
    }
  }
}

package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Which libwebrtc file webrtc-java 0.14.0 loads on this machine, and a message that says what to add when it is
 * missing. webrtc-java's own loader decides and loads: it takes the platform from {@code os.name} and
 * {@code os.arch}, looks up the resource {@code System.mapLibraryName("webrtc-java-" + classifier)} through its
 * class loader, and fails with a bare NullPointerException when no jar on the class or module path holds it (the
 * usual cause: an application built on one platform and run on another, since webrtc-java's POM adds only the build
 * machine's native jar). This class mirrors that decision only to explain such a failure; PackagingIT in p2p-demo
 * checks that the mirror and the loader agree. Thread-safe (stateless).
 */
public final class NativeLibrary {
  /** The platforms webrtc-java 0.14.0 has native jars for on Maven Central, as Maven classifiers. */
  public static final List<String> PUBLISHED = List.of(
      "windows-x86_64", "macos-x86_64", "macos-aarch64", "linux-x86_64", "linux-aarch64", "linux-aarch32");

  private static final String VERSION = "0.14.0";

  private NativeLibrary() {}

  /**
   * The classifier webrtc-java 0.14.0 derives from these values of {@code os.name} and {@code os.arch} (e.g.
   * "Mac OS X" and "aarch64" give "macos-aarch64"), or null if it rejects the operating system or architecture.
   * The result may name a platform it has no native jar for (Windows on ARM gives "windows-aarch64").
   */
  public static @Nullable String classifier(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String family;
    if (os.startsWith("mac os")) {
      family = "macos";
    } else if (os.startsWith("linux")) {
      family = "linux";
    } else if (os.startsWith("windows")) {
      family = "windows";
    } else {
      return null;
    }
    switch (osArch.toLowerCase(Locale.ROOT)) {
      case "x86_64":
      case "x86-64":
      case "amd64":
        return family + "-x86_64";
      case "aarch32":
      case "arm":
        return family + "-aarch32";
      case "aarch64":
      case "arm64":
        return family + "-aarch64";
      default:
        return null;
    }
  }

  /** Wraps a failure to load libwebrtc with what this machine needs; see {@link #loadFailure(Throwable, String,
   * String, ClassLoader)}. */
  static WebRtcException loadFailure(Throwable cause) {
    return loadFailure(cause, System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"),
        PeerConnectionFactory.class.getClassLoader());
  }

  /**
   * Wraps a failure to load libwebrtc: names the platform, the file webrtc-java looked for, and the dependency that
   * brings it, or says that webrtc-java has none for this platform; when the file is there, the cause stands and
   * the message names the native libraries it needs on Linux.
   *
   * @param loader the class loader webrtc-java's loader uses (that of its own classes)
   */
  static WebRtcException loadFailure(Throwable cause, String osName, String osArch, @Nullable ClassLoader loader) {
    String platform = "os.name=" + osName + ", os.arch=" + osArch;
    String classifier = classifier(osName, osArch);
    String message;
    if (classifier == null) {
      message = "webrtc-java " + VERSION + " does not run on this platform (" + platform + "); it has natives for "
          + String.join(", ", PUBLISHED);
    } else if (!PUBLISHED.contains(classifier)) {
      message = "webrtc-java " + VERSION + " has no native library for " + classifier + " (" + platform
          + "); it has natives for " + String.join(", ", PUBLISHED);
    } else {
      String file = System.mapLibraryName("webrtc-java-" + classifier);
      boolean present = loader == null ? ClassLoader.getSystemResource(file) != null : loader.getResource(file) != null;
      if (!present) {
        message = "libwebrtc for this platform (" + platform + ") is missing: add the dependency "
            + "dev.onvoid.webrtc:webrtc-java:" + VERSION + " with <classifier>" + classifier + "</classifier> (its "
            + "jar holds " + file + "; on the module path it must be resolved too: keep p2p-natives-resolver there, "
            + "or add --add-modules webrtc." + classifier.replace('-', '.') + "; docs/PLATFORMS.md)";
      } else {
        message = "libwebrtc (" + file + ") did not load: " + cause
            + (classifier.startsWith("linux") ? "; on Linux it needs libpulse0 and the X11, udev and D-Bus client"
                + " libraries (README, Troubleshooting)" : "");
      }
    }
    return new WebRtcException(message, cause);
  }
}

package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.p2ptunnel.webrtc.WebRtcException;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The mirror of webrtc-java's platform decision, and the messages a missing native gets. */
class NativeLibraryTest {

  @Test
  void shouldDeriveTheClassifierFromOsNameAndOsArchAsWebRtcJavaDoes() {
    // Values as JDKs report them on each platform.
    assertEquals("windows-x86_64", NativeLibrary.classifier("Windows 10", "amd64"));
    assertEquals("windows-x86_64", NativeLibrary.classifier("Windows Server 2022", "amd64"));
    assertEquals("macos-x86_64", NativeLibrary.classifier("Mac OS X", "x86_64"));
    assertEquals("macos-aarch64", NativeLibrary.classifier("Mac OS X", "aarch64"));
    assertEquals("linux-x86_64", NativeLibrary.classifier("Linux", "amd64"));
    assertEquals("linux-aarch64", NativeLibrary.classifier("Linux", "aarch64"));
    assertEquals("linux-aarch32", NativeLibrary.classifier("Linux", "arm"));
    // Derived, but webrtc-java 0.14.0 publishes no native for it.
    assertEquals("windows-aarch64", NativeLibrary.classifier("Windows 11", "aarch64"));
    // Rejected by webrtc-java's loader.
    assertNull(NativeLibrary.classifier("FreeBSD", "amd64"));
    assertNull(NativeLibrary.classifier("Linux", "x86"));
    assertNull(NativeLibrary.classifier("Linux", "riscv64"));
  }

  @Test
  void shouldNameTheDependencyWhenTheNativeOfThisPlatformIsMissing() {
    IllegalStateException cause = new IllegalStateException("Load library 'webrtc-java' failed");
    WebRtcException e = NativeLibrary.loadFailure(cause, "Mac OS X", "aarch64", holding(Set.of(
        System.mapLibraryName("webrtc-java-linux-x86_64"))));
    assertEquals("libwebrtc for this platform (os.name=Mac OS X, os.arch=aarch64) is missing: add the dependency "
        + "dev.onvoid.webrtc:webrtc-java:0.14.0 with <classifier>macos-aarch64</classifier> (its jar holds "
        + System.mapLibraryName("webrtc-java-macos-aarch64") + "; on the module path it must be resolved too: keep "
        + "p2p-natives-resolver there, or add --add-modules webrtc.macos.aarch64; docs/PLATFORMS.md)",
        e.getMessage());
    assertSame(cause, e.getCause());
  }

  @Test
  void shouldSayWhenWebRtcJavaHasNoNativeForThePlatform() {
    RuntimeException cause = new RuntimeException("Load library 'webrtc-java' failed");
    assertEquals("webrtc-java 0.14.0 has no native library for windows-aarch64 (os.name=Windows 11, "
        + "os.arch=aarch64); it has natives for windows-x86_64, macos-x86_64, macos-aarch64, linux-x86_64, "
        + "linux-aarch64, linux-aarch32",
        NativeLibrary.loadFailure(cause, "Windows 11", "aarch64", holding(Set.of())).getMessage());
    assertEquals("webrtc-java 0.14.0 does not run on this platform (os.name=FreeBSD, os.arch=amd64); it has "
        + "natives for windows-x86_64, macos-x86_64, macos-aarch64, linux-x86_64, linux-aarch64, linux-aarch32",
        NativeLibrary.loadFailure(cause, "FreeBSD", "amd64", holding(Set.of())).getMessage());
  }

  @Test
  void shouldKeepTheCauseAndNameLinuxLibrariesWhenThePresentNativeFailsToLoad() {
    String file = System.mapLibraryName("webrtc-java-linux-x86_64");
    UnsatisfiedLinkError cause = new UnsatisfiedLinkError("libpulse.so.0: cannot open shared object file");
    assertEquals("libwebrtc (" + file + ") did not load: " + cause + "; on Linux it needs libpulse0 and the X11, "
        + "udev and D-Bus client libraries (README, Troubleshooting)",
        NativeLibrary.loadFailure(cause, "Linux", "amd64", holding(Set.of(file))).getMessage());
  }

  /** A class loader that finds exactly these root resources. */
  private static ClassLoader holding(Set<String> names) {
    return new ClassLoader(null) {
      @Override
      protected URL findResource(String name) {
        try {
          return names.contains(name) ? new URL("file:/natives/" + name) : null;
        } catch (MalformedURLException e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }
}

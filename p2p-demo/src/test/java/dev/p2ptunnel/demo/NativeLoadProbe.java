package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.WebRtcSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Run by {@link PackagingIT} in a JVM of its own, with p2p-tunnel.jar on the class path: loads libwebrtc as the
 * library does and prints the path of every mapped file whose name holds "webrtc-java" (webrtc-java extracts the
 * native into a temporary file named after it), then exits. Linux only: it reads /proc/self/maps.
 */
final class NativeLoadProbe {
  private NativeLoadProbe() {}

  public static void main(String[] args) throws IOException {
    WebRtcSession.preload();
    try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
      maps.filter(line -> line.contains("webrtc-java") && line.indexOf('/') >= 0)
          .map(line -> line.substring(line.indexOf('/')))
          .distinct()
          .forEach(System.out::println);
    }
    System.out.flush();
    // libwebrtc's native threads would keep the JVM alive.
    System.exit(0);
  }
}

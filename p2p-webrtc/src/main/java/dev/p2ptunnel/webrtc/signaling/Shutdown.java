package dev.p2ptunnel.webrtc.signaling;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.http.HttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Releases an HTTP client we built. Java 21 added {@code HttpClient.shutdown()} (orderly, without waiting); on Java
 * 17 there is nothing to call: the client's selector thread ends by itself once the client is unreachable. Stateless.
 */
final class Shutdown {
  private static final @Nullable MethodHandle SHUTDOWN = find();

  private Shutdown() {}

  private static @Nullable MethodHandle find() {
    try {
      return MethodHandles.publicLookup().findVirtual(HttpClient.class, "shutdown", MethodType.methodType(void.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null; // Java 17–20
    }
  }

  static void of(HttpClient client) {
    MethodHandle shutdown = SHUTDOWN;
    if (shutdown == null) {
      return;
    }
    try {
      shutdown.invoke(client);
    } catch (Throwable e) {
      System.getLogger("dev.p2ptunnel.webrtc.signaling").log(System.Logger.Level.DEBUG,
          "shutting the HTTP client down failed: {0}", e.toString());
    }
  }
}

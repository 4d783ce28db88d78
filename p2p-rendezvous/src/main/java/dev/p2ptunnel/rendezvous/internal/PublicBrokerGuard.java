package dev.p2ptunnel.rendezvous.internal;

import dev.p2ptunnel.rendezvous.RendezvousConfig;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * The test-suite guard against the public brokers ({@link RendezvousConfig#NO_PUBLIC_BROKERS}): besides the
 * configuration refusing the built-in list, no link connects to one of those hosts while the variable is set, however
 * it was configured. Stateless and thread-safe.
 */
public final class PublicBrokerGuard {
  private PublicBrokerGuard() {}

  /** Why the public brokers may not be used here, or null if they may. */
  public static @Nullable String forbidden() {
    String value = System.getenv(RendezvousConfig.NO_PUBLIC_BROKERS);
    if (value == null || value.isEmpty() || value.equals("0")) {
      return null;
    }
    return "the built-in public MQTT brokers are disabled in this environment (" + RendezvousConfig.NO_PUBLIC_BROKERS
        + "=" + value + ", set by the test suite so that no test reaches the internet): give the brokers explicitly";
  }

  /** Why {@code broker} may not be contacted here, or null if it may. */
  static @Nullable String refuse(BrokerAddress broker) {
    String forbidden = forbidden();
    if (forbidden == null) {
      return null;
    }
    for (URI uri : RendezvousConfig.PUBLIC_BROKERS) {
      if (broker.host().equalsIgnoreCase(uri.getHost())) {
        return forbidden;
      }
    }
    return null;
  }
}

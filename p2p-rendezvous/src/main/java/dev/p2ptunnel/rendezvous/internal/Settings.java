package dev.p2ptunnel.rendezvous.internal;

import dev.p2ptunnel.rendezvous.RendezvousListener;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A {@link dev.p2ptunnel.rendezvous.RendezvousConfig} as the engines read it. Immutable.
 *
 * @param brokers where to connect
 * @param trust CA certificates for TLS, or null for the JDK's default trust store
 * @param connectTimeout one connection attempt
 * @param findTimeout how long a client looks for its host
 * @param listener told about brokers and refused messages, on the engine's thread
 */
public record Settings(List<BrokerAddress> brokers, @Nullable TrustManagerFactory trust, Duration connectTimeout,
    Duration findTimeout, RendezvousListener listener) {
  /** The brokers as a list for messages: {@code mqtts://a:8883, mqtt://b:1883}. */
  public String brokerList() {
    return String.join(", ", brokers.stream().map(BrokerAddress::display).toList());
  }
}

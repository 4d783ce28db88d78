package dev.p2ptunnel.rendezvous;

import dev.p2ptunnel.rendezvous.internal.BrokerAddress;
import dev.p2ptunnel.rendezvous.internal.PublicBrokerGuard;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Which brokers a rendezvous uses and how: the broker list ({@code mqtt://} or {@code mqtts://}), the certificates
 * trusted for TLS (the JDK's default trust store unless set), how long a client looks for its host, and a listener.
 * Immutable and thread-safe; made by {@link #builder(List)} or {@link #publicBrokers()}.
 */
public final class RendezvousConfig {
  /**
   * Well-known public MQTT brokers, each run by another operator, over TLS with certificates the JDK's default trust
   * store accepts: the default of the p2p-tunnel command line. No test connects to them
   * ({@link #NO_PUBLIC_BROKERS}).
   */
  public static final List<URI> PUBLIC_BROKERS = List.of(
      URI.create("mqtts://broker.hivemq.com:8883"),
      URI.create("mqtts://broker.emqx.io:8883"),
      URI.create("mqtts://test.mosquitto.org:8886"),
      URI.create("mqtts://mqtt.eclipseprojects.io:8883"));
  /**
   * The environment variable that forbids {@link #PUBLIC_BROKERS}: when it is set (to anything but empty or
   * {@code 0}), {@link #publicBrokers()} throws and no connection to those hosts is made. The project's build sets it
   * for every test, so that no test can reach the internet by falling back to the defaults.
   */
  public static final String NO_PUBLIC_BROKERS = "P2P_TUNNEL_NO_PUBLIC_BROKERS";
  /**
   * How long a client looks for its host before it says that nobody answers: 30 s (a host just started on a slow,
   * busy machine took 17 s to be listening in the lab).
   */
  public static final Duration DEFAULT_FIND_TIMEOUT = Duration.ofSeconds(30);
  /** How long one connection attempt to a broker may take (TCP, TLS and MQTT together): 10 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** The most brokers one signaling uses. */
  public static final int MAX_BROKERS = 16;

  private final List<BrokerAddress> brokers;
  private final @Nullable TrustManagerFactory trust;
  private final Duration findTimeout;
  private final Duration connectTimeout;
  private final RendezvousListener listener;

  private RendezvousConfig(Builder b) {
    this.brokers = List.copyOf(b.brokers);
    this.trust = b.trust;
    this.findTimeout = b.findTimeout;
    this.connectTimeout = b.connectTimeout;
    this.listener = b.listener;
  }

  /**
   * A configuration with these brokers (at least one, at most {@value #MAX_BROKERS}, no two alike). The host listens
   * on all of them and answers through all of them; a client tries all, so one broker down changes nothing.
   *
   * @throws IllegalArgumentException naming a broker URI that is not {@code mqtt://HOST[:PORT]} or
   *     {@code mqtts://HOST[:PORT]}, or a broker listed twice
   */
  public static Builder builder(List<URI> brokers) {
    return new Builder(brokers);
  }

  /**
   * A configuration with {@link #PUBLIC_BROKERS}.
   *
   * @throws IllegalStateException if {@link #NO_PUBLIC_BROKERS} is set in the environment
   */
  public static Builder publicBrokers() {
    String forbidden = PublicBrokerGuard.forbidden();
    if (forbidden != null) {
      throw new IllegalStateException(forbidden);
    }
    return new Builder(PUBLIC_BROKERS);
  }

  /** The brokers, as {@code mqtts://host:port} (never a password). */
  public List<String> brokers() {
    return brokers.stream().map(BrokerAddress::display).toList();
  }

  /** Whether this is exactly the list of {@link #PUBLIC_BROKERS}. */
  public boolean usesPublicBrokers() {
    return brokers.equals(PUBLIC_BROKERS.stream().map(BrokerAddress::parse).toList());
  }

  List<BrokerAddress> addresses() {
    return brokers;
  }

  /** The certificates trusted for {@code mqtts://} brokers, or null for the JDK's default trust store. */
  public @Nullable TrustManagerFactory trust() {
    return trust;
  }

  /** How long a client looks for its host before it gives up, saying so. */
  public Duration findTimeout() {
    return findTimeout;
  }

  /** How long one connection attempt to a broker may take. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  public RendezvousListener listener() {
    return listener;
  }

  @Override
  public String toString() {
    return "RendezvousConfig[brokers " + brokers() + (trust == null ? "" : ", own trust store") + ", find timeout "
        + findTimeout.toSeconds() + " s]";
  }

  /** Builds a {@link RendezvousConfig}. Not thread-safe. */
  public static final class Builder {
    private final List<BrokerAddress> brokers = new ArrayList<>();
    private @Nullable TrustManagerFactory trust;
    private Duration findTimeout = DEFAULT_FIND_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private RendezvousListener listener = RendezvousListener.NONE;

    private Builder(List<URI> uris) {
      if (uris.isEmpty() || uris.size() > MAX_BROKERS) {
        throw new IllegalArgumentException("brokers: " + uris.size() + " (expected: 1.." + MAX_BROKERS + ")");
      }
      for (URI uri : uris) {
        BrokerAddress address = BrokerAddress.parse(Objects.requireNonNull(uri, "broker"));
        for (BrokerAddress other : brokers) {
          if (other.tls() == address.tls() && other.host().equalsIgnoreCase(address.host())
              && other.port() == address.port()) {
            throw new IllegalArgumentException("broker " + address.display() + " is listed twice");
          }
        }
        brokers.add(address);
      }
    }

    /** Trusts exactly these certificate authorities for {@code mqtts://} brokers (a self-hosted broker's CA). */
    public Builder trustManagerFactory(TrustManagerFactory value) {
      trust = Objects.requireNonNull(value, "trust");
      return this;
    }

    /**
     * Trusts exactly the CA certificates in a PEM file (one or more {@code -----BEGIN CERTIFICATE-----} blocks) for
     * {@code mqtts://} brokers, instead of the JDK's default trust store.
     *
     * @throws IOException if the file cannot be read or holds no certificate, naming it
     */
    public Builder trustedCertificates(Path pemFile) throws IOException {
      Collection<? extends Certificate> certificates;
      try (InputStream in = Files.newInputStream(pemFile)) {
        certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      } catch (GeneralSecurityException e) {
        throw new IOException(pemFile + ": not PEM certificates (" + e.getMessage() + ")", e);
      }
      if (certificates.isEmpty()) {
        throw new IOException(pemFile + ": no certificate in it (expected: -----BEGIN CERTIFICATE----- blocks)");
      }
      try {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates) {
          store.setCertificateEntry("ca-" + i++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        trust = factory;
      } catch (GeneralSecurityException e) {
        throw new IOException(pemFile + ": cannot make a trust store of it (" + e.getMessage() + ")", e);
      }
      return this;
    }

    /** How long a client looks for its host (default 30 s; at least 1 s). */
    public Builder findTimeout(Duration value) {
      if (value.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("findTimeout: " + value + " (expected: at least 1 s)");
      }
      findTimeout = value;
      return this;
    }

    /** How long one connection attempt to a broker may take (default 10 s; at least 1 s). */
    public Builder connectTimeout(Duration value) {
      if (value.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("connectTimeout: " + value + " (expected: at least 1 s)");
      }
      connectTimeout = value;
      return this;
    }

    /** Told about brokers and refused messages (default: nothing). */
    public Builder listener(RendezvousListener value) {
      listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    public RendezvousConfig build() {
      return new RendezvousConfig(this);
    }
  }
}

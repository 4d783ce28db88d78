package dev.p2ptunnel.demo;

import dev.p2ptunnel.rendezvous.MqttHostSignaling;
import dev.p2ptunnel.rendezvous.MqttSignaling;
import dev.p2ptunnel.rendezvous.RendezvousConfig;
import dev.p2ptunnel.rendezvous.RendezvousId;
import dev.p2ptunnel.rendezvous.RendezvousListener;
import dev.p2ptunnel.webrtc.HostSignaling;
import dev.p2ptunnel.webrtc.Signaling;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ParameterException;

/**
 * Rendezvous, the default way of {@link SignalingOptions}: the brokers ({@code --rendezvous URL}, repeatable, else
 * the built-in public ones over TLS), the CA file for self-hosted TLS brokers ({@code --rendezvous-ca}), how long a
 * client looks for its host ({@code --find-timeout}), and what the host and the client print about them. Immutable
 * once made.
 */
final class RendezvousChoice {
  private final List<String> urls;
  private final @Nullable Path ca;
  private final @Nullable Duration findTimeout;
  private final Function<String, ParameterException> usage;

  private RendezvousChoice(List<String> urls, @Nullable Path ca, @Nullable Duration findTimeout,
      Function<String, ParameterException> usage) {
    this.urls = List.copyOf(urls);
    this.ca = ca;
    this.findTimeout = findTimeout;
    this.usage = usage;
  }

  /**
   * The choice as the options give it ({@code findTimeout} null: the library's default); usage errors for broker
   * URLs and a CA file that cannot be used.
   *
   * @throws ParameterException naming the option, the value and what was expected
   */
  static RendezvousChoice of(List<String> urls, @Nullable Path ca, @Nullable Duration findTimeout,
      Function<String, ParameterException> usage) {
    RendezvousChoice choice = new RendezvousChoice(urls, ca, findTimeout, usage);
    if (!urls.isEmpty()) {
      choice.config(RendezvousListener.NONE); // checks every URL and the CA file now, before anything starts
    } else if (ca != null) {
      choice.trust(RendezvousConfig.builder(List.of(URI.create("mqtts://check.invalid"))));
    }
    return choice;
  }

  /** The configuration, with {@code listener}; the public brokers unless URLs were given. */
  RendezvousConfig config(RendezvousListener listener) {
    RendezvousConfig.Builder builder;
    if (urls.isEmpty()) {
      try {
        builder = RendezvousConfig.publicBrokers();
      } catch (IllegalStateException e) {
        throw new UserError(e.getMessage() + " with --rendezvous URL, or choose --signal URL or --offline", e);
      }
    } else {
      List<URI> brokers = new ArrayList<>();
      for (String url : urls) {
        try {
          brokers.add(new URI(url));
        } catch (URISyntaxException e) {
          throw usage.apply("--rendezvous " + url + ": not a URL (expected: mqtts://HOST[:PORT] or "
              + "mqtt://HOST[:PORT])");
        }
      }
      try {
        builder = RendezvousConfig.builder(brokers);
      } catch (IllegalArgumentException e) {
        throw usage.apply("--rendezvous: " + e.getMessage());
      }
    }
    if (findTimeout != null) {
      builder.findTimeout(findTimeout);
    }
    return trust(builder).listener(listener).build();
  }

  private RendezvousConfig.Builder trust(RendezvousConfig.Builder builder) {
    if (ca != null) {
      try {
        builder.trustedCertificates(ca);
      } catch (IOException e) {
        throw usage.apply("--rendezvous-ca " + e.getMessage());
      }
    }
    return builder;
  }

  /** Prints which brokers carry the rendezvous, the Session ID and the client's command, then opens it. */
  HostSignaling host(Console console, int port, byte @Nullable [] claim) {
    RendezvousConfig config = config(new RendezvousListener() {
      @Override
      public void onBrokerConnected(String broker) {
        console.event("rendezvous broker " + broker + ": connected");
      }

      @Override
      public void onBrokerDisconnected(String broker, String reason) {
        console.event("rendezvous broker " + broker + ": " + reason + "; trying again");
      }
    });
    console.info(describe(config));
    // The Session ID is known at once: shown while the key stretching and the broker connections take their second or
    // two, since the person needs longer than that to pass it on. Clients repeat their hello until the host listens.
    String sessionId = claim == null ? RendezvousId.random() : RendezvousId.fromClaim(claim);
    console.result("Session ID: " + sessionId);
    console.info("Give it to the client, who runs: p2p-tunnel client --session " + sessionId + " --port " + port
        + flags());
    // Connects while the host loads its identity and libwebrtc; if no broker can be reached, signaling ends and the
    // host stops with the brokers' errors (Hints adds what to do).
    return MqttHostSignaling.start(config, sessionId);
  }

  /** The client's signaling: looks for the host of {@code session}. */
  Signaling client(String session, Console console) {
    String id;
    try {
      id = RendezvousId.parse(session); // a usage error comes before anything else
    } catch (IllegalArgumentException e) {
      throw usage.apply("--session " + e.getMessage().substring(e.getMessage().indexOf(' ') + 1));
    }
    RendezvousConfig config = config(new RendezvousListener() {
      @Override
      public void onBrokerDisconnected(String broker, String reason) {
        console.event("rendezvous broker " + broker + ": " + reason);
      }
    });
    console.info(describe(config));
    MqttSignaling signaling = new MqttSignaling(config, id);
    console.info("Looking for the host of Session ID " + signaling.sessionId() + ".");
    return signaling;
  }

  /** Which brokers, in words: the line both sides print first. */
  static String describe(RendezvousConfig config) {
    List<String> brokers = config.brokers();
    String which = config.usesPublicBrokers() ? brokers.size() + " public MQTT brokers over TLS" : brokers.size() == 1
        ? "the MQTT broker" : brokers.size() + " MQTT brokers";
    return "Rendezvous through " + which + " (" + String.join(", ", brokers) + "), end-to-end encrypted: they see "
        + "neither addresses nor names.";
  }

  /** The broker options the client must repeat: none for the defaults. */
  private String flags() {
    StringBuilder out = new StringBuilder();
    for (String url : urls) {
      out.append(" --rendezvous ").append(url);
    }
    if (ca != null) {
      out.append(" --rendezvous-ca ").append(ca.getFileName()).append(" (a copy of ").append(ca).append(')');
    }
    return out.toString();
  }
}

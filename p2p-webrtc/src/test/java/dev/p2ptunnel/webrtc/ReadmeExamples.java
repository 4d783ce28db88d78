package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.signaling.HttpHostSignaling;
import dev.p2ptunnel.webrtc.signaling.HttpSignaling;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The README's library examples, verbatim between the markers, so that they keep compiling with the API. Not run:
 * they talk to a server named in the text.
 */
final class ReadmeExamples {
  private ReadmeExamples() {}

  static void host() throws Exception {
    // README host example begins
    // Next to the service: share 127.0.0.1:25565.
    Path config = Identity.defaultDirectory();
    try (HttpHostSignaling signaling = HttpHostSignaling.create(URI.create("http://signal.example:8787"));
         HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", 25565)
             .signaling(signaling)
             .identity(Identity.loadOrCreate(config))                   // the same fingerprint on every run
             .trustStore(TrustStore.open(config.resolve("trusted-clients")))
             .approver(join -> {                                        // may answer minutes later, from any thread
               System.out.println(join.clientName() + " at " + join.clientAddress() + " wants to join, code "
                   + join.shortAuthString());
               return CompletableFuture.completedFuture(JoinDecision.approve());  // or ask a person
             })
             .build())) {
      System.out.println("Session ID: " + signaling.sessionId());
      host.awaitOpen(Duration.ofMinutes(10));
      System.out.println("connected, path " + host.path().join());
      System.out.println("closed: " + host.awaitClosed(Duration.ofDays(1)));
    }
    // README host example ends
  }

  static void client(String sessionId) throws Exception {
    // README client example begins
    // Next to the user's app: 127.0.0.1:25565 leads to the host's service.
    try (HttpSignaling signaling = new HttpSignaling(URI.create("http://signal.example:8787"), sessionId);
         ClientTunnel client = Tunnel.client(ClientOptions.builder(25565).signaling(signaling).name("alice")
             .identity(Identity.loadOrCreate(Identity.defaultDirectory()))
             .knownHosts(TrustStore.open(Identity.defaultDirectory().resolve("known-hosts")))
             .events(event -> {                                 // one listener for every event, on the callback thread
               if (event.kind() == TunnelEvent.Kind.SHORT_AUTH_STRING) {
                 System.out.println("code " + event.code() + ": the host compares it before approving");
               }
             }).build())) {
      client.awaitOpen(Duration.ofMinutes(10));                // the host's person may take their time
      System.out.println("connect your app to " + client.localAddress());
      BridgeStats stats = client.stats();                    // bytes, messages, open sockets, errors (cheap)
      System.out.println("closed: " + client.awaitClosed(Duration.ofDays(1)));
    }
    // README client example ends
  }
}

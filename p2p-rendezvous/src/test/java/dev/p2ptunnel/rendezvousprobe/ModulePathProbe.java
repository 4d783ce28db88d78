package dev.p2ptunnel.rendezvousprobe;

import dev.p2ptunnel.rendezvous.MqttHostSignaling;
import dev.p2ptunnel.rendezvous.RendezvousConfig;
import java.net.URI;
import java.util.List;

/**
 * Opens a rendezvous on the broker {@code args[0]} and prints where it runs: started by ModulePathTest with
 * p2p-rendezvous and its dependencies on the module path (this class in the unnamed module, outside our packages).
 */
public final class ModulePathProbe {
  private ModulePathProbe() {}

  public static void main(String[] args) {
    RendezvousConfig config = RendezvousConfig.builder(List.of(URI.create(args[0]))).build();
    try (MqttHostSignaling host = MqttHostSignaling.open(config)) {
      System.out.println("opened in module " + MqttHostSignaling.class.getModule().getName() + " via "
          + host.connectedBrokers());
    }
  }
}

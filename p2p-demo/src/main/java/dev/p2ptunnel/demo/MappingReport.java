package dev.p2ptunnel.demo;

import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.SharedService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * What the client shows of the host's services and its mappings: the list when it arrives, one "Connect your app to"
 * line per mapping in place, a warning for an automatic mapping that failed; an explicit {@code --map} that failed is
 * fatal ({@link #fatal()}). Thread-safe: called on the tunnel's bridge thread, read by the command's.
 */
final class MappingReport {
  private final Console console;
  private final CompletableFuture<String> fatal = new CompletableFuture<>();

  MappingReport(Console console) {
    this.console = console;
  }

  /** Completes with the reason when an explicit mapping failed. */
  CompletableFuture<String> fatal() {
    return fatal;
  }

  void services(List<SharedService> services) {
    console.info("The host shares " + (services.isEmpty() ? "nothing" : services.stream()
        .map(SharedService::toString).collect(Collectors.joining(", "))) + ".");
  }

  void mapped(MappedPort port) {
    SharedService service = port.service();
    console.result("Connect your app to " + Addresses.format(port.local()) + (port.protocol().label().equals("udp")
        ? " (UDP)" : "") + " for " + (service == null ? "'" + port.mapping().service() + "'" : "'"
        + service.name() + "' (port " + service.port() + " on the host)"));
  }

  void failed(Mapping mapping, String reason, boolean explicit) {
    if (explicit) {
      fatal.complete("cannot map " + mapping + ": " + reason);
    } else {
      console.event("warning: '" + mapping.service() + "' is not mapped: " + reason);
    }
  }
}

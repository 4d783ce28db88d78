package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.ClientBridge;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.webrtc.ClientListener;
import dev.p2ptunnel.webrtc.ClientOptions;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * The client tunnel's own mappings: once its bridge runs, maps what {@link ClientOptions#mappings()} asks for, and
 * with {@link ClientOptions#mapAll()} every service the host shares (when its list arrives and when it grows) on
 * 127.0.0.1 and the service's port number or the next free one; reports each outcome to the {@link ClientListener}.
 * Sits in the bridge's listener chain (in front of the user's, to which it passes every event on) to see the host's
 * list. Thread-safe: the setup thread attaches the bridge, the bridge's loop thread reports the list.
 */
public final class ClientMapper extends ForwardingBridgeListener {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.client");

  private final ClientOptions options;
  private final Set<String> mapped = new HashSet<>(); // guarded by this
  private @Nullable ClientBridge bridge; // guarded by this
  private @Nullable List<SharedService> list; // guarded by this

  public ClientMapper(ClientOptions options) {
    super(options.bridge().listener());
    this.options = options;
    for (Mapping mapping : options.mappings()) {
      if (mapping.service() != null) {
        mapped.add(mapping.service());
      }
    }
  }

  /** The bridge runs: the explicit mappings now, the automatic ones once the list is known. */
  public void attach(ClientBridge started) {
    List<SharedService> known;
    synchronized (this) {
      bridge = started;
      known = list;
    }
    for (Mapping mapping : options.mappings()) {
      map(started, mapping);
    }
    if (known != null) {
      mapNew(started, known);
    }
  }

  @Override
  public void onServices(List<SharedService> services) {
    ClientBridge started;
    synchronized (this) {
      list = services;
      started = bridge;
    }
    notify(() -> next.onServices(services));
    notify(() -> options.listener().onServices(services));
    if (started != null) {
      mapNew(started, services);
    }
  }

  private void mapNew(ClientBridge started, List<SharedService> services) {
    if (!options.mapAll()) {
      return;
    }
    for (SharedService service : services) {
      boolean fresh;
      synchronized (this) {
        fresh = mapped.add(service.name());
      }
      if (fresh) {
        map(started, Mapping.of(service.name(), new InetSocketAddress(InetAddress.getLoopbackAddress(),
            service.port())).orNextFreePort());
      }
    }
  }

  private void map(ClientBridge started, Mapping mapping) {
    started.map(mapping).whenComplete((port, error) -> {
      if (port != null) {
        notify(() -> options.listener().onMapped(port));
      } else {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String reason = cause == null ? "unknown" : String.valueOf(cause.getMessage());
        LOG.log(Level.WARNING, "mapping " + mapping + " failed: " + reason);
        notify(() -> options.listener().onMappingFailed(mapping, reason));
      }
    });
  }

  private static void notify(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "client listener threw; ignored", e);
    }
  }
}

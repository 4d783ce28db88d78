package dev.p2ptunnel.bridge;

import dev.p2ptunnel.protocol.ServiceMessages;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The host's access rules: the services it shares, and nothing else. Every host bridge (one per client) reads the same
 * registry, so a service shared or unshared here is offered to or withdrawn from every connected client at once: the
 * bridges send their clients the new list, refuse new connections to a withdrawn service and close the ones it had.
 * Each service gets an id when it is shared, never reused in this registry; the first TCP service is the default, the
 * one an original client (whose CONNECT names no service) reaches. Thread-safe.
 */
public final class HostServices {
  private final Object lock = new Object();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Snapshot current = new Snapshot(0, new TreeMap<>(), new TreeMap<>());
  private int nextId; // guarded by lock

  private HostServices() {}

  /**
   * A registry sharing {@code services}, in this order (the first TCP one is the default).
   *
   * @throws IllegalArgumentException if two share a name or there are more than {@value ServiceMessages#MAX_SERVICES}
   */
  public static HostServices of(List<Service> services) {
    HostServices registry = new HostServices();
    for (Service service : services) {
      registry.share(service);
    }
    return registry;
  }

  /** A registry sharing {@code services}, in this order. */
  public static HostServices of(Service... services) {
    return of(List.of(services));
  }

  /** The services shared now, in the order they were shared. */
  public List<Service> list() {
    return current.services();
  }

  /** What the bridges read: the services with their ids, as of now. */
  public Snapshot snapshot() {
    return current;
  }

  /**
   * Shares {@code service} from now on; connected clients learn it at once. Its host name is resolved now, on the
   * calling thread (so never on a bridge's loop), and that address is used until the service is shared again.
   *
   * @throws IllegalArgumentException if a service of that name is shared already, or
   *     {@value ServiceMessages#MAX_SERVICES} are, or its host name does not resolve
   * @throws IllegalStateException if this registry has handed out all 65 536 ids
   */
  public void share(Service service) {
    Objects.requireNonNull(service, "service");
    InetSocketAddress target;
    try {
      target = service.resolve();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    synchronized (lock) {
      Snapshot now = current;
      for (Service shared : now.byId.values()) {
        if (shared.name().equals(service.name())) {
          throw new IllegalArgumentException("service name: '" + service.name() + "' is shared already (as "
              + shared + "; expected: a name not in use)");
        }
      }
      if (now.byId.size() >= ServiceMessages.MAX_SERVICES) {
        throw new IllegalArgumentException("services: " + now.byId.size() + " shared (expected: at most "
            + ServiceMessages.MAX_SERVICES + ")");
      }
      if (nextId > 0xFFFF) {
        throw new IllegalStateException("service ids: all 65536 used by this registry (expected: a new registry)");
      }
      TreeMap<Integer, Service> next = new TreeMap<>(now.byId);
      TreeMap<Integer, InetSocketAddress> targets = new TreeMap<>(now.targets);
      targets.put(nextId, target);
      next.put(nextId++, service);
      current = new Snapshot(now.version + 1, next, targets);
    }
    changed();
  }

  /**
   * Stops sharing the service named {@code name}: clients learn it at once, its connections and flows are closed.
   *
   * @return whether such a service was shared
   */
  public boolean unshare(String name) {
    synchronized (lock) {
      Snapshot now = current;
      TreeMap<Integer, Service> next = new TreeMap<>(now.byId);
      if (!next.values().removeIf(service -> service.name().equals(name))) {
        return false;
      }
      TreeMap<Integer, InetSocketAddress> targets = new TreeMap<>(now.targets);
      targets.keySet().retainAll(next.keySet());
      current = new Snapshot(now.version + 1, next, targets);
    }
    changed();
    return true;
  }

  /**
   * Calls {@code listener} after every change, on the thread that made it; it must return quickly. Closing the
   * returned handle removes it.
   */
  public AutoCloseable onChange(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void changed() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        System.getLogger("dev.p2ptunnel.bridge").log(System.Logger.Level.WARNING, "services listener threw", e);
      }
    }
  }

  @Override
  public String toString() {
    return list().toString();
  }

  /**
   * The registry at one moment: the services by id, and which is the default. Immutable and thread-safe.
   */
  public static final class Snapshot {
    private final long version;
    private final Map<Integer, Service> byId;
    private final Map<Integer, InetSocketAddress> targets;
    private final List<SharedService> shared;
    private final @Nullable SharedService defaultService;

    private Snapshot(long version, TreeMap<Integer, Service> byId, TreeMap<Integer, InetSocketAddress> targets) {
      this.version = version;
      this.byId = Collections.unmodifiableMap(byId);
      this.targets = Collections.unmodifiableMap(targets);
      List<SharedService> list = new ArrayList<>(byId.size());
      SharedService first = null;
      for (Map.Entry<Integer, Service> entry : byId.entrySet()) {
        Service service = entry.getValue();
        boolean isDefault = first == null && service.protocol() == Service.Protocol.TCP;
        SharedService one = new SharedService(entry.getKey(), service.name(), service.protocol(), service.port(),
            isDefault);
        if (isDefault) {
          first = one;
        }
        list.add(one);
      }
      this.shared = List.copyOf(list);
      this.defaultService = first;
    }

    /** Grows by one with every change of the registry. */
    public long version() {
      return version;
    }

    /** The services as clients see them, in id order (the order they were shared). */
    public List<SharedService> shared() {
      return shared;
    }

    /** The services, in id order. */
    public List<Service> services() {
      return List.copyOf(byId.values());
    }

    /** The service with {@code id}, or null if none is shared under it. */
    public @Nullable Service service(int id) {
      return byId.get(id);
    }

    /** The resolved target of the service with {@code id}, or null if none is shared under it. */
    public @Nullable InetSocketAddress target(int id) {
      return targets.get(id);
    }

    /** The service as clients see it, or null if none is shared under {@code id}. */
    public @Nullable SharedService shared(int id) {
      for (SharedService one : shared) {
        if (one.id() == id) {
          return one;
        }
      }
      return null;
    }

    /** The default service (the first TCP one), or null if no TCP service is shared. */
    public @Nullable SharedService defaultService() {
      return defaultService;
    }
  }
}

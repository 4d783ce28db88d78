package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.webrtc.internal.Callbacks;
import dev.p2ptunnel.webrtc.internal.ForwardingBridgeListener;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns one tunnel end's listener calls, bridge events and lifecycle into {@link TunnelEvent}s for the user's
 * {@link TunnelListener}: built on top of the per-method listeners, so that both report the same events. Every event
 * reaches the user on the tunnel's {@link Callbacks}: listener calls already run there; bridge events (on the bridge's
 * loop thread) and future completions are moved there. Thread-safe.
 */
final class TunnelEvents {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.tunnel");
  private static final String TUNNEL = "";

  private final TunnelListener user;
  private volatile @Nullable Callbacks callbacks;
  /** The last path reported, per client ({@link #TUNNEL} for a client tunnel's own), so that only changes are. */
  private final Map<Object, PathType> paths = new ConcurrentHashMap<>();

  TunnelEvents(TunnelListener user) {
    this.user = user;
  }

  /** Where the events are delivered: the tunnel's callback executor; set before the tunnel starts. */
  TunnelEvents on(Callbacks executor) {
    callbacks = executor;
    return this;
  }

  /** Delivers {@code event} on the callback executor (callers already there deliver directly). */
  private void post(TunnelEvent event) {
    Callbacks on = callbacks;
    if (on == null) {
      throw new IllegalStateException("callbacks: null (expected: set with on(...) before the tunnel starts)");
    }
    on.notify(() -> user.onEvent(event));
  }

  /** Called on the callback executor: delivers at once, in order with the listener call that made it. */
  private void now(TunnelEvent event) {
    try {
      user.onEvent(event);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a tunnel listener threw on " + event.kind() + "; ignored", e);
    }
  }

  /** The tunnel's {@code opened} and {@code closed}: OPENED (then the path) and CLOSED, the last event. */
  void lifecycle(CompletableFuture<Void> opened, CompletableFuture<String> closed,
      @Nullable Supplier<CompletableFuture<PathType>> path) {
    opened.thenRun(() -> {
      post(TunnelEvent.of(TunnelEvent.Kind.OPENED).build());
      if (path != null) {
        lookAtPath(TUNNEL, null, path.get());
      }
    });
    closed.thenAccept(reason -> post(TunnelEvent.of(TunnelEvent.Kind.CLOSED).reason(reason).build()));
  }

  /** Reports the path once known, if it is not the one reported last for {@code key}; a path not known is not. */
  private void lookAtPath(Object key, @Nullable ClientConnection client, CompletableFuture<PathType> path) {
    path.whenComplete((type, error) -> {
      if (type != null && paths.put(key, type) != type) {
        post(TunnelEvent.of(TunnelEvent.Kind.PATH_CHANGED).client(client).path(type).build());
      }
    });
  }

  /**
   * Runs the user's listener {@code call}, then {@code report} (the event it makes), also when the call threw: the
   * event is not lost, and the exception goes on to the caller as it would without events.
   */
  private static void then(Runnable call, Runnable report) {
    try {
      call.run();
    } finally {
      report.run();
    }
  }

  /**
   * A bridge listener that calls {@code next} (the user's), then reports the socket events and errors; the other
   * events only go on to {@code next}.
   */
  BridgeListener bridge(BridgeListener next, @Nullable ClientConnection client) {
    return new ForwardingBridgeListener(next) {
      @Override
      public void onSocketOpened(int socketId, SocketAddress address) {
        then(() -> next.onSocketOpened(socketId, address),
            () -> post(TunnelEvent.of(TunnelEvent.Kind.SOCKET_OPENED).client(client).socket(socketId).address(address)
                .build()));
      }

      @Override
      public void onSocketClosed(int socketId, String reason) {
        then(() -> next.onSocketClosed(socketId, reason),
            () -> post(TunnelEvent.of(TunnelEvent.Kind.SOCKET_CLOSED).client(client).socket(socketId).reason(reason)
                .build()));
      }

      @Override
      public void onError(ErrorKind kind, int socketId, String message) {
        then(() -> next.onError(kind, socketId, message),
            () -> post(TunnelEvent.of(TunnelEvent.Kind.ERROR).client(client).error(kind, socketId, message).build()));
      }
    };
  }

  /**
   * A client listener that calls {@code next} (the user's), then reports the same event; runs on the callback
   * executor (the tunnel moves every client listener call there). {@code path} is the tunnel's, looked at again
   * whenever it comes back.
   */
  ClientListener client(ClientListener next, Supplier<CompletableFuture<PathType>> path) {
    return new ClientListener() {
      @Override
      public void onShortAuthString(String code) {
        then(() -> next.onShortAuthString(code),
            () -> now(TunnelEvent.of(TunnelEvent.Kind.SHORT_AUTH_STRING).code(code).build()));
      }

      @Override
      public void onNoShortAuthString() {
        then(() -> next.onNoShortAuthString(),
            () -> now(TunnelEvent.of(TunnelEvent.Kind.NO_SHORT_AUTH_STRING).build()));
      }

      @Override
      public void onApproved() {
        then(() -> next.onApproved(), () -> now(TunnelEvent.of(TunnelEvent.Kind.APPROVED).build()));
      }

      @Override
      public void onConnectionLost(String reason, boolean needsPerson) {
        then(() -> next.onConnectionLost(reason, needsPerson),
            () -> now(TunnelEvent.of(TunnelEvent.Kind.RECONNECTING).reason(reason).needsPerson(needsPerson).build()));
      }

      @Override
      public void onRejoinFailed(String reason, Duration retryIn) {
        then(() -> next.onRejoinFailed(reason, retryIn),
            () -> now(TunnelEvent.of(TunnelEvent.Kind.REJOIN_FAILED).reason(reason).retryIn(retryIn).build()));
      }

      @Override
      public void onConnectionRestored(int resumed, int closed) {
        then(() -> next.onConnectionRestored(resumed, closed), () -> {
          now(TunnelEvent.of(TunnelEvent.Kind.RECONNECTED).sockets(resumed, closed).build());
          lookAtPath(TUNNEL, null, path.get());
        });
      }

      @Override
      public void onServices(List<SharedService> services) {
        then(() -> next.onServices(services),
            () -> now(TunnelEvent.of(TunnelEvent.Kind.SERVICES).services(services).build()));
      }

      @Override
      public void onMapped(MappedPort port) {
        then(() -> next.onMapped(port), () -> now(TunnelEvent.of(TunnelEvent.Kind.MAPPED).mappedPort(port).build()));
      }

      @Override
      public void onMappingFailed(Mapping mapping, String reason) {
        then(() -> next.onMappingFailed(mapping, reason),
            () -> now(TunnelEvent.of(TunnelEvent.Kind.MAPPING_FAILED).mapping(mapping).reason(reason).build()));
      }
    };
  }

  /**
   * A host listener that calls {@code next} (the user's), then reports the same event; runs on the callback executor.
   */
  HostListener host(HostListener next) {
    return new HostListener() {
      @Override
      public void onClientJoined(ClientConnection client) {
        then(() -> next.onClientJoined(client),
            () -> now(TunnelEvent.of(TunnelEvent.Kind.CLIENT_JOINED).client(client).build()));
      }

      @Override
      public void onClientRejected(String clientName, String reason) {
        then(() -> next.onClientRejected(clientName, reason),
            () -> now(TunnelEvent.of(TunnelEvent.Kind.CLIENT_REJECTED).clientName(clientName).reason(reason).build()));
      }

      @Override
      public void onClientOpened(ClientConnection client) {
        then(() -> next.onClientOpened(client), () -> {
          now(TunnelEvent.of(TunnelEvent.Kind.CLIENT_OPENED).client(client).build());
          lookAtPath(client, client, client.path());
        });
      }

      @Override
      public void onClientReconnecting(ClientConnection client, String reason) {
        then(() -> next.onClientReconnecting(client, reason),
            () -> now(TunnelEvent.of(TunnelEvent.Kind.CLIENT_RECONNECTING).client(client).reason(reason).build()));
      }

      @Override
      public void onClientReconnected(ClientConnection client) {
        then(() -> next.onClientReconnected(client), () -> {
          now(TunnelEvent.of(TunnelEvent.Kind.CLIENT_RECONNECTED).client(client).build());
          lookAtPath(client, client, client.path());
        });
      }

      @Override
      public void onClientLeft(ClientConnection client, String reason) {
        then(() -> next.onClientLeft(client, reason), () -> {
          paths.remove(client);
          now(TunnelEvent.of(TunnelEvent.Kind.CLIENT_LEFT).client(client).reason(reason).build());
        });
      }
    };
  }
}

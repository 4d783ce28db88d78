package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.webrtc.internal.Callbacks;
import dev.p2ptunnel.webrtc.internal.HostRuntime;
import dev.p2ptunnel.webrtc.internal.Tunnels;
import dev.p2ptunnel.webrtc.internal.TunnelCore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Entry point of the library: share a TCP service ({@link #host}) or reach one ({@link #client}) over one WebRTC
 * DataChannel. The client makes the offer and the host answers it, as in the original app; {@link Signaling}
 * carries both. Both calls return at once with a handle whose state moves from CONNECTING to OPEN.
 *
 * <pre>{@code
 * // next to the service
 * try (HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", 25565).signaling(signaling).build())) {
 *   host.awaitOpen(Duration.ofMinutes(10));
 *   System.out.println("peer connected, path " + host.path().join());
 *   System.out.println("closed: " + host.awaitClosed(Duration.ofDays(1)));
 * }
 * // next to the user's app
 * try (ClientTunnel client = Tunnel.client(ClientOptions.builder(25565).signaling(signaling).build())) {
 *   client.awaitOpen(Duration.ofSeconds(30));
 *   System.out.println("connect your app to " + client.localAddress());
 *   client.awaitClosed(Duration.ofDays(1));
 * }
 * }</pre>
 */
public final class Tunnel {
  private Tunnel() {}

  /**
   * Shares {@code options.services()}: takes clients' join requests from signaling (in the background), answers each
   * with a session of its own once the approver agrees, and bridges every connection (and UDP flow) a client opens to
   * the service it names. Host names of services are resolved here.
   *
   * @throws IllegalArgumentException if a service's host name does not resolve
   */
  public static HostTunnel host(HostOptions options) {
    TunnelListener listener = options.events();
    if (listener == null) {
      HostRuntime runtime = new HostRuntime(options);
      runtime.start();
      return new HostTunnel(runtime);
    }
    // The events come from the same calls as the HostListener's, one layer on top.
    TunnelEvents events = new TunnelEvents(listener);
    HostRuntime runtime = new HostRuntime(options.toBuilder().listener(events.host(options.listener())).build());
    events.on(runtime.callbacks());
    runtime.clientBridgeListener(client -> events.bridge(options.bridge().listener(), client));
    events.lifecycle(runtime.opened(), runtime.closed(), null);
    runtime.start();
    return new HostTunnel(runtime);
  }

  /**
   * Listens on {@code options.bind()} (the default mapping, if any) at once, so that a port in use fails here, then
   * joins the host through signaling (offer and commitment, the host's challenge, the code, the reveal, the answer
   * once the host approved; docs/SIGNALING.md) and bridges every local connection to the host once the channel is open
   * and checked; the named mappings are made once the host's list of services arrives. Connections made before that
   * wait in the listen backlog. When the network fails or changes, the tunnel gets its path back by itself (ICE
   * restart, or a rejoin through the same signaling: docs/SIGNALING.md, "Reconnecting") and every connection carries
   * on; the local ports stay open throughout.
   *
   * @throws IOException if the default mapping's address cannot be bound, naming it
   */
  public static ClientTunnel client(ClientOptions options) throws IOException {
    InetSocketAddress bind = options.bind();
    ServerSocketChannel server = null;
    if (bind != null) {
      server = ServerSocketChannel.open();
      try {
        server.bind(bind, 1024);
      } catch (IOException e) {
        server.close();
        throw new IOException("cannot listen on " + bind + ": " + e.getMessage(), e);
      }
    }
    ServerSocketChannel listening = server;
    Callbacks callbacks = Callbacks.of(options.callbackExecutor(), "client");
    ClientOptions wired = options;
    TunnelListener listener = options.events();
    TunnelEvents events = listener == null ? null : new TunnelEvents(listener).on(callbacks);
    AtomicReference<@Nullable TunnelCore> made = new AtomicReference<>();
    if (events != null) { // the events come from the same calls as the ClientListener's, one layer on top
      wired = options.toBuilder().listener(events.client(options.listener(), () -> pathOf(made.get())))
          .bridge(options.bridge().toBuilder().listener(events.bridge(options.bridge().listener(), null)).build())
          .build();
    }
    // Every listener call of this tunnel (join, reconnections, mappings) goes through the callback executor.
    TunnelCore core = Tunnels.client(wired.withListener(callbacks.clientListener(wired.listener())), listening)
        .closeTimeout(options.closeTimeout());
    made.set(core);
    // The bridge owns the server socket once it runs; if it never does, release the port here.
    core.closed().thenRun(() -> {
      if (listening != null) {
        try {
          listening.close();
        } catch (IOException e) {
          // nothing more to release
        }
      }
    });
    core.closed().whenComplete((reason, error) -> callbacks.shutdown()); // after the deliveries registered later
    if (events != null) {
      events.lifecycle(core.opened(), core.closed(), core::path);
    }
    core.start();
    return new ClientTunnel(core, listening == null ? null : (InetSocketAddress) listening.getLocalAddress(),
        callbacks);
  }

  private static CompletableFuture<PathType> pathOf(@Nullable TunnelCore core) {
    return core == null ? CompletableFuture.failedFuture(new IllegalStateException("not started")) : core.path();
  }
}

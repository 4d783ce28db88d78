package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.bridge.SharedService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The client's mappings and the host's list of services: binds a mapping's port once the list says what protocol
 * its service speaks (the default mapping at once), keeps named mappings waiting for the list, resolves every
 * mapping again when the list changes, and answers the API's map, unmap and list requests. TCP ports go to the
 * {@link ClientRole}, UDP ports to the {@link UdpClient}. Loop thread only; the futures it completes run their
 * dependent stages on the loop thread.
 */
final class ClientMappings {
  /**
   * How long after the bridge starts a client waits for the host's first message before it takes the host for an
   * original one (which says nothing until a connection is opened, so it can never send a list).
   */
  static final long LIST_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

  private final ClientRole tcp;
  private final UdpClient udp;
  private final Negotiation negotiation;
  private final Events events;
  private final CompletableFuture<List<SharedService>> services = new CompletableFuture<>();
  private final List<Pending> pending = new ArrayList<>();
  private @Nullable List<SharedService> list;
  private boolean noList;
  private String noListReason = "";
  private long listDeadlineNanos = Long.MAX_VALUE;

  private record Pending(Mapping mapping, CompletableFuture<MappedPort> result) {}

  ClientMappings(ClientRole tcp, UdpClient udp, Negotiation negotiation, Events events) {
    this.tcp = tcp;
    this.udp = udp;
    this.negotiation = negotiation;
    this.events = events;
  }

  /** Completes with the host's first list; fails if the host will send none. */
  CompletableFuture<List<SharedService>> services() {
    return services;
  }

  /** The bridge starts at {@code nowNanos}: the host's first message is awaited from now. */
  void start(long nowNanos) {
    listDeadlineNanos = nowNanos + LIST_WAIT_NANOS;
  }

  /** The peer is known: without named services, no list will come and only the default mapping can work. */
  void negotiated() {
    listDeadlineNanos = Long.MAX_VALUE;
    if (!negotiation.services()) {
      giveUp("the host does not name its services (an original host, or one without our extensions): only the "
          + "default mapping works");
    }
  }

  /** When {@link #tick} has something to do. */
  long deadlineNanos() {
    return list == null && !noList && !negotiation.decided() ? listDeadlineNanos : Long.MAX_VALUE;
  }

  /** The host said nothing for {@link #LIST_WAIT_NANOS}: an original host, as far as anyone can tell. */
  int tick(long nowNanos) {
    if (nowNanos - deadlineNanos() < 0) {
      return 0;
    }
    listDeadlineNanos = Long.MAX_VALUE;
    giveUp("the host sent nothing within " + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(LIST_WAIT_NANOS)
        + " s of the channel opening: an original host (or one without our extensions), which names no services;"
        + " only the default mapping works");
    return 1;
  }

  private void giveUp(String reason) {
    noList = true;
    noListReason = reason;
    services.completeExceptionally(new IOException(reason));
    for (Pending waiting : pending) {
      waiting.result().completeExceptionally(new IOException(reason));
    }
    pending.clear();
  }

  /** The host's list arrived or changed. */
  void received(List<SharedService> now) {
    list = List.copyOf(now);
    noList = false; // a host that answered late after all
    for (ClientRole.Listener listener : tcp.listeners()) {
      String name = listener.mapping.service();
      tcp.resolve(listener, name == null ? defaultOf(now) : find(name, Service.Protocol.TCP));
    }
    for (UdpClient.Port port : udp.ports()) {
      udp.resolve(port, find(String.valueOf(port.mapping.service()), Service.Protocol.UDP));
    }
    events.services(list);
    services.complete(list);
    List<Pending> waiting = new ArrayList<>(pending);
    pending.clear();
    for (Pending one : waiting) {
      map(one.mapping(), one.result());
    }
  }

  /** Binds {@code mapping} now, or once the host's list is known; completes {@code result} with the mapped port. */
  void map(Mapping mapping, CompletableFuture<MappedPort> result) {
    String name = mapping.service();
    try {
      if (name == null) {
        ServerSocketChannel server = bind(ServerSocketChannel.open(), mapping);
        List<SharedService> known = list;
        result.complete(tcp.add(server, mapping, ClientRole.DEFAULT, known == null ? null : defaultOf(known),
            known != null).view());
        return;
      }
      if (noList) {
        throw new IOException(noListReason);
      }
      List<SharedService> known = list;
      if (known == null) {
        pending.add(new Pending(mapping, result));
        return;
      }
      SharedService service = null;
      for (SharedService one : known) {
        if (one.name().equals(name)) {
          service = one;
        }
      }
      if (service == null) {
        throw new IOException("the host does not share '" + name + "' (it shares " + describe(known) + ")");
      }
      if (service.protocol() == Service.Protocol.TCP) {
        ServerSocketChannel server = bind(ServerSocketChannel.open(), mapping);
        result.complete(tcp.add(server, mapping, service.id(), service, true).view());
      } else {
        if (!negotiation.datagrams()) {
          throw new IOException("the host shares '" + name + "' over UDP, but this tunnel has no datagram channel "
              + "(the host's or this side's transport cannot open one)");
        }
        boolean v6 = mapping.bind().getAddress() instanceof java.net.Inet6Address;
        DatagramChannel channel = bind(DatagramChannel.open(v6 ? StandardProtocolFamily.INET6
            : StandardProtocolFamily.INET), mapping);
        result.complete(udp.add(channel, mapping, service).view());
      }
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /** Stops the mapping bound to {@code local} with {@code protocol}; its open connections stay, its flows end. */
  boolean unmap(InetSocketAddress local, Service.Protocol protocol) {
    if (protocol == Service.Protocol.TCP) {
      ClientRole.Listener listener = tcp.find(local);
      if (listener != null) {
        tcp.remove(listener);
        return true;
      }
      return false;
    }
    UdpClient.Port port = udp.find(local);
    if (port != null) {
      udp.remove(port, "unmapped");
      return true;
    }
    return false;
  }

  /** Every mapping in place. */
  List<MappedPort> mappings() {
    List<MappedPort> all = new ArrayList<>();
    tcp.listeners().forEach(listener -> all.add(listener.view()));
    udp.ports().forEach(port -> all.add(port.view()));
    return List.copyOf(all);
  }

  /** The bridge closes: mappings still waiting for the list fail. */
  void shutdown(String reason) {
    services.completeExceptionally(new IOException("the bridge closed: " + reason));
    for (Pending waiting : pending) {
      waiting.result().completeExceptionally(new IOException("the bridge closed: " + reason));
    }
    pending.clear();
  }

  private @Nullable SharedService find(String name, Service.Protocol protocol) {
    List<SharedService> known = list;
    if (known != null) {
      for (SharedService one : known) {
        if (one.name().equals(name) && one.protocol() == protocol) {
          return one;
        }
      }
    }
    return null;
  }

  private static @Nullable SharedService defaultOf(List<SharedService> known) {
    for (SharedService one : known) {
      if (one.isDefault()) {
        return one;
      }
    }
    return null;
  }

  /**
   * Binds {@code channel} to the mapping's address, or with {@link Mapping#nextFreePort()} to the next free port
   * above it; closes it and fails naming the address if none is free.
   */
  private static <T extends NetworkChannel> T bind(T channel, Mapping mapping) throws IOException {
    InetSocketAddress first = mapping.bind();
    int tries = mapping.nextFreePort() && first.getPort() != 0
        ? Math.min(Mapping.NEXT_FREE_TRIES, 65_536 - first.getPort()) : 1;
    IOException last = null;
    for (int i = 0; i < tries; i++) {
      InetSocketAddress address = new InetSocketAddress(first.getAddress(), first.getPort() + i);
      try {
        if (channel instanceof ServerSocketChannel server) {
          server.bind(address, 1024);
        } else {
          channel.bind(address);
        }
        return channel;
      } catch (IOException e) {
        last = e;
      }
    }
    channel.close();
    String which = tries == 1 ? first.toString() : first + " (and the next " + (tries - 1) + " ports)";
    throw new IOException("cannot listen on " + which + " for " + (mapping.service() == null ? "the default service"
        : "'" + mapping.service() + "'") + ": " + (last == null ? "?" : last.getMessage()), last);
  }

  private static String describe(List<SharedService> known) {
    return known.isEmpty() ? "nothing" : known.stream().map(SharedService::toString).collect(Collectors.joining(", "));
  }
}

package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.DatagramTransport;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.ServiceMessages;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The named-services extension and UDP, as the loop sees them: what our HELLO announces (datagrams only where the
 * channel can open a datagram transport), what the negotiation starts (the host sends its list, both sides open the
 * datagram channel), the registry's changes (host: the new list to the client, connections and flows of withdrawn
 * services closed), the client's mappings, and the UDP side's turn, timers and statistics. Loop thread only; the
 * registry's listener and the transport's completion only enqueue commands.
 */
final class NamedServices {
  private MessageChannel channel;
  /** Which channel this is (resume replaces channels): a transport opened for an earlier one is closed. */
  private int generation;
  private final InboundQueue inbound;
  private final Negotiation negotiation;
  private final Outbound outbound;
  private final Events events;
  private final Ticker ticker;
  private final DatagramLink link;
  private final UdpSide udp;
  private final @Nullable DialPlan plan;
  private final @Nullable HostRole host;
  private final @Nullable ClientMappings mappings;
  private @Nullable AutoCloseable subscription;

  /** Host: {@code plan} and {@code host} given; client: {@code mappings}. */
  NamedServices(MessageChannel channel, InboundQueue inbound, Negotiation negotiation, Outbound outbound,
      Events events, Ticker ticker, DatagramLink link, UdpSide udp, @Nullable DialPlan plan,
      @Nullable HostRole host, @Nullable ClientMappings mappings) {
    this.channel = channel;
    this.inbound = inbound;
    this.negotiation = negotiation;
    this.outbound = outbound;
    this.events = events;
    this.ticker = ticker;
    this.link = link;
    this.udp = udp;
    this.plan = plan;
    this.host = host;
    this.mappings = mappings;
  }

  /** What our HELLO announces over {@code channel}. */
  static int announced(MessageChannel channel) {
    return Extensions.SUPPORTED_FEATURES | Extensions.FEATURE_SERVICES
        | (channel.supportsDatagrams() ? Extensions.FEATURE_DATAGRAMS : 0);
  }

  /** The loop starts: a host follows its registry from now on, a client waits for the host's list. */
  void start() {
    if (mappings != null) {
      mappings.start(ticker.nanoTime());
    }
    if (plan != null) {
      subscription = plan.services().onChange(() -> inbound.control(Command.ServicesChanged.INSTANCE));
    }
  }

  /** The peer is known. */
  void negotiated() {
    if (host != null && negotiation.services()) {
      sendList();
    }
    if (mappings != null) {
      mappings.negotiated();
    }
    if (negotiation.datagrams()) {
      link.opening();
      int current = generation;
      channel.openDatagrams().whenComplete((transport, failure) ->
          inbound.control(new Command.DatagramsOpened(transport, failure, current)));
    }
  }

  /**
   * A new channel replaces the current one (resume extension): the services state carries over (the host's registry
   * subscription, the client's mappings and list, the UDP flows), the old datagram transport goes, and the new
   * channel's negotiation sends the list again and opens a new datagram transport ({@link #negotiated}).
   */
  void attach(MessageChannel next) {
    channel = next;
    generation++;
    link.reset("replaced by a new channel");
  }

  /** Host: the registry changed. */
  void servicesChanged() {
    if (plan == null || host == null) {
      return;
    }
    HostServices.Snapshot now = plan.services().snapshot();
    if (negotiation.services()) {
      sendList();
    }
    host.servicesChanged(now);
    ((UdpHost) udp).servicesChanged(now);
  }

  private void sendList() {
    List<ServiceMessages.Entry> entries = new ArrayList<>();
    for (SharedService one : plan().services().snapshot().shared()) {
      entries.add(new ServiceMessages.Entry(one.id(), one.protocol() == Service.Protocol.UDP
          ? ServiceMessages.PROTOCOL_UDP : ServiceMessages.PROTOCOL_TCP, one.isDefault(), one.port(), one.name()));
    }
    outbound.sendExtension(ServiceMessages.services(entries));
  }

  /** Client: the host's list arrived. */
  void received(List<SharedService> list) {
    if (mappings != null) {
      mappings.received(list);
    }
  }

  /** The datagram transport opened, or failed to. */
  void datagramsOpened(@Nullable DatagramTransport transport, @Nullable Throwable failure, int forGeneration) {
    if (forGeneration != generation) {
      if (transport != null) {
        transport.close("its channel was replaced");
      }
      return;
    }
    if (transport == null) {
      String reason = "the datagram channel could not be opened: " + failure;
      link.closed(reason);
      Events.LOG.log(Level.WARNING, reason);
      return;
    }
    int lost = link.opened(transport);
    long now = ticker.nanoTime();
    for (int i = 0; i < lost; i++) {
      events.throttled(ErrorKind.DATAGRAM_DROPPED, BridgeListener.NO_SOCKET,
          "datagram sent while the datagram channel opened was dropped at its opening", now);
    }
  }

  /** Datagrams from the peer; returns how much was done. */
  int turn() {
    return udp.drainInbox();
  }

  long deadlineNanos() {
    return Math.min(udp.deadlineNanos(), mappings == null ? Long.MAX_VALUE : mappings.deadlineNanos());
  }

  int tick(long nowNanos) {
    return udp.tick(nowNanos) + (mappings == null ? 0 : mappings.tick(nowNanos));
  }

  List<BridgeStats.FlowStats> flowStats() {
    return udp.flowStats();
  }

  /** The client's list future (failed on a host: a host has no list to learn). */
  CompletableFuture<List<SharedService>> services() {
    return mappings != null ? mappings.services()
        : CompletableFuture.failedFuture(new IllegalStateException("services: a host bridge (expected: a client)"));
  }

  void map(Mapping mapping, CompletableFuture<MappedPort> result) {
    if (mappings == null) {
      result.completeExceptionally(new IllegalStateException("map: a host bridge (expected: a client)"));
    } else {
      mappings.map(mapping, result);
    }
  }

  boolean unmap(InetSocketAddress local, Service.Protocol protocol) {
    return mappings != null && mappings.unmap(local, protocol);
  }

  List<MappedPort> mappings() {
    return mappings == null ? List.of() : mappings.mappings();
  }

  /** The bridge closes. */
  void shutdown(String reason) {
    AutoCloseable s = subscription;
    if (s != null) {
      try {
        s.close();
      } catch (Exception e) {
        Events.LOG.log(Level.DEBUG, "unsubscribing failed: {0}", e.toString());
      }
    }
    udp.shutdown(reason);
    if (mappings != null) {
      mappings.shutdown(reason);
    }
  }

  private DialPlan plan() {
    if (plan == null) {
      throw new IllegalStateException("plan: null (expected: a host)");
    }
    return plan;
  }
}

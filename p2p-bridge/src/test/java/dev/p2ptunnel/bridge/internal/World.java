package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.fail;

import dev.p2ptunnel.bridge.BridgeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Everything a deterministic bridge test runs, driven by the test's thread alone: embedded engines on one
 * {@link ManualTicker}, the {@link ManualChannel} pairs between them, and real loopback TCP services and applications
 * that never block. {@link #step} moves each part once; {@link #until} steps until a condition holds; time moves only
 * with {@link #advance}. No thread is started, nothing sleeps.
 *
 * <p>Real sockets need the kernel, which is fast but not instant, so {@link #until} keeps stepping (yielding when
 * nothing moved) and gives up only after {@link #PATIENCE} of wall time: a guard against a hang, never a measure.
 */
final class World implements AutoCloseable {
  /** How long {@link #until} keeps trying before it fails: generous, so that a loaded machine never trips it. */
  static final Duration PATIENCE = Duration.ofSeconds(120);

  /** Two engines joined by a pair, the client listening on {@code address}. */
  record Tunnel(Engine host, Engine client, InetSocketAddress address, ManualChannel.Pair pair) {}

  final ManualTicker ticker = new ManualTicker();
  private final List<Engine> engines = new ArrayList<>();
  private final List<ManualChannel.Pair> pairs = new ArrayList<>();
  private final List<LocalService> services = new ArrayList<>();
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final List<LocalUdp> udps = new ArrayList<>();
  /** While false, {@link #step} does not deliver channel messages: the test delivers itself. */
  boolean deliver = true;

  ManualChannel.Pair pair() {
    return pair(ManualChannel.pair());
  }

  ManualChannel.Pair pair(ManualChannel.Pair pair) {
    pairs.add(pair);
    return pair;
  }

  /** A started embedded host engine on {@code channel}, dialing where {@code plan} says. */
  Engine host(ManualChannel channel, DialPlan plan, BridgeConfig config) throws IOException {
    Engine engine = Engine.embeddedHost(channel, plan, config, ticker);
    engines.add(engine);
    engine.start();
    return engine;
  }

  /** A started embedded client engine on {@code channel}, listening on {@code server} (null: no default port). */
  Engine client(ManualChannel channel, @Nullable ServerSocketChannel server, BridgeConfig config, int firstSocketId)
      throws IOException {
    Engine engine = Engine.embeddedClient(channel, server, config, ticker, firstSocketId);
    engines.add(engine);
    engine.start();
    return engine;
  }

  /** A server socket on an ephemeral loopback port, for a client engine. */
  static ServerSocketChannel listen() throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    return server;
  }

  /** A host and a client joined by a default pair, the host dialing {@code service}. */
  Tunnel tunnel(InetSocketAddress service) throws IOException {
    return tunnel(service, BridgeConfig.defaults(), BridgeConfig.defaults(), ManualChannel.pair(), 0);
  }

  Tunnel tunnel(InetSocketAddress service, BridgeConfig hostConfig, BridgeConfig clientConfig,
      ManualChannel.Pair pair, int firstSocketId) throws IOException {
    pair(pair);
    Engine host = host(pair.first(), DialPlan.fixed(service), hostConfig);
    ServerSocketChannel server = listen();
    InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
    Engine client = client(pair.second(), server, clientConfig, firstSocketId);
    return new Tunnel(host, client, address, pair);
  }

  /** A service pumped with the world. */
  LocalService service(LocalService service) {
    services.add(service);
    return service;
  }

  /** A UDP socket (service or application), pumped with the world. */
  LocalUdp udp(LocalUdp udp) {
    udps.add(udp);
    return udp;
  }

  /** A local application connected to {@code address}, pumped with the world. */
  Endpoint connect(InetSocketAddress address) throws IOException {
    Endpoint app = Endpoint.connect(address);
    endpoints.add(app);
    return app;
  }

  /**
   * Moves everything once: channel messages, each engine's pending work, each service and application, and the
   * messages that produced.
   *
   * @return how much moved (0: nothing)
   */
  int step() {
    int work = deliver();
    for (Engine engine : engines) {
      work += engine.runPending();
    }
    for (LocalService service : services) {
      work += service.pump();
    }
    for (Endpoint endpoint : endpoints) {
      work += endpoint.pump();
    }
    for (LocalUdp udp : udps) {
      work += udp.pump();
    }
    return work + deliver(); // what the engines just sent reaches scripted peers within the same step
  }

  private int deliver() {
    int work = 0;
    if (deliver) {
      for (ManualChannel.Pair pair : pairs) {
        work += pair.deliverAll();
      }
    }
    return work;
  }

  /** Steps until {@code condition} holds. */
  void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (step() == 0) {
        if (System.nanoTime() - deadline > 0) {
          fail("not within " + PATIENCE.toSeconds() + " s: " + what);
        }
        Thread.yield(); // the kernel may still be moving bytes between loopback sockets
      }
    }
  }

  /** Steps until {@code condition} holds, running {@code eachStep} (e.g. a one-way delivery) after every step. */
  void until(BooleanSupplier condition, Runnable eachStep, String what) {
    until(() -> {
      eachStep.run();
      return condition.getAsBoolean();
    }, what);
  }

  /** Steps until a step moves nothing (the kernel included, as far as one more step can tell). */
  void settle() {
    int idle = 0;
    while (idle < 3) {
      idle = step() == 0 ? idle + 1 : 0;
    }
  }

  /** Moves time forward and runs what became due. */
  void advance(Duration duration) {
    ticker.advance(duration);
    step();
  }

  @Override
  public void close() throws IOException {
    for (Engine engine : engines) {
      engine.requestClose("test over");
      engine.runPending();
    }
    for (LocalService service : services) {
      service.close();
    }
    for (Endpoint endpoint : endpoints) {
      endpoint.close();
    }
    for (LocalUdp udp : udps) {
      udp.close();
    }
  }
}

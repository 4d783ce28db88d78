package dev.p2ptunnel.benchmarks.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A real request/response service through one tunnel (issue 15): {@code redis-server} in the host's namespace and
 * {@code redis-benchmark -t set,get} against it, once on the host's loopback ("direct") and once through the demo
 * client's port, alternating, for {@code -c 1 -P 1}, {@code -c 50 -P 1} and {@code -c 50 -P 16}. Requests per second
 * are the mean of SET and GET. One fresh tunnel for the step, warmed by one short run of each configuration. Runs on
 * the harness thread.
 */
final class RedisStep {
  static final int REDIS_PORT = 6380;

  /** One redis-benchmark configuration: connections, pipelined requests, requests per test. */
  record Load(String name, int clients, int pipeline, int requests) {}

  private final StepContext lab;

  RedisStep(StepContext lab) {
    this.lab = lab;
  }

  /** The configurations of the table; a quick run uses a twentieth of the requests. */
  static List<Load> loads(boolean quick) {
    int scale = quick ? 20 : 1;
    return List.of(new Load("-c 1 -P 1", 1, 1, 20_000 / scale), new Load("-c 50 -P 1", 50, 1, 100_000 / scale),
        new Load("-c 50 -P 16", 50, 16, 500_000 / scale));
  }

  void run() throws Exception {
    try (LabProcess redis = lab.harness().start(VariantRun.NS_HOST, "redis-server", lab.dir(), List.of("redis-server",
        "--port", Integer.toString(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--protected-mode", "no", "--daemonize", "no"));
        VariantRun.Tunnel tunnel = lab.run().startTunnel("redis", REDIS_PORT, lab.settings().demoJvmOptions(),
            lab.settings().demoOptions())) {
      redis.await("Ready to accept connections", 30_000);
      tunnel.awaitConnected();
      List<Load> loads = loads(lab.settings().quick());
      for (Load load : lab.settings().quick() ? List.<Load>of() : loads) { // the smoke only proves that the step runs
        benchmark("redis-warmup", VariantRun.NS_CLIENT, VariantRun.CLIENT_PORT,
            new Load(load.name(), load.clients(), load.pipeline(), Math.max(1_000, load.requests() / 10)));
      }
      for (int i = 0; i < lab.settings().runs(); i++) {
        for (Load load : loads) {
          // Alternating order, so that neither side always runs right after the other's load.
          boolean directFirst = i % 2 == 0;
          for (int side = 0; side < 2; side++) {
            boolean direct = (side == 0) == directFirst;
            double rps = direct
                ? benchmark("redis-direct-" + i, VariantRun.NS_HOST, REDIS_PORT, load)
                : benchmark("redis-tunnel-" + i, VariantRun.NS_CLIENT, VariantRun.CLIENT_PORT, load);
            (direct ? lab.result().redisDirectRps : lab.result().redisTunnelRps)
                .computeIfAbsent(load.name(), k -> new ArrayList<>()).add(rps);
            System.out.printf(Locale.ROOT, "  [%s] redis-benchmark %s %s: %.0f req/s%n", lab.result().variant,
                load.name(), direct ? "direct (host loopback)" : "through the tunnel", rps);
          }
        }
      }
    }
  }

  /** Runs redis-benchmark in {@code ns} against 127.0.0.1:{@code port}; the mean requests/s of SET and GET. */
  private double benchmark(String name, String ns, int port, Load load) throws IOException, InterruptedException {
    List<String> command = List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port),
        "-n", Integer.toString(load.requests()), "-c", Integer.toString(load.clients()),
        "-P", Integer.toString(load.pipeline()), "-t", "set,get", "--csv");
    try (LabProcess benchmark = lab.harness().start(ns, name, lab.dir(), command)) {
      // Bounded: even at 500 requests/s each test would end within this.
      int exit = benchmark.waitFor(lab.settings().timeoutMs() + load.requests() * 4L);
      String output = benchmark.output();
      double sum = 0;
      int tests = 0;
      for (String line : output.split("\n")) {
        String[] fields = line.substring(line.lastIndexOf('\r') + 1).replace("\"", "").split(",");
        if (fields.length >= 2 && (fields[0].equals("SET") || fields[0].equals("GET"))) {
          sum += Double.parseDouble(fields[1]);
          tests++;
        }
      }
      if (exit != 0 || tests != 2) {
        throw new IOException(name + ": redis-benchmark exit " + exit + ", " + tests + " of 2 results: "
            + output.strip());
      }
      return sum / tests;
    }
  }
}

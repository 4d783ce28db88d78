package dev.p2ptunnel.demo.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code netlab.sh up cone}, a host with {@code --max-clients 2}: a misbehaving client ({@link LabFlooder}, raw
 * frames over a real DataChannel) floods CONNECTs, CONNECT/CLOSE churn or PINGs, and joins again whenever the host
 * cuts it off; meanwhile the well-behaved client's application opens new connections one after another
 * ({@link LabConnectTimes}). Its new connections must all succeed and must not be starved: their p99 (connect to the
 * whole answer) while the flood runs stays within twice what it was in the same run with the flooder connected but
 * quiet, plus {@link #SLACK}. The ratio itself (issue 16's target: at most 2) is a measurement, recorded with
 * {@link LabResults} for each run; the slack keeps a busy machine (another build on the same two cores stretched a
 * 23 ms p99 to 49 ms) from failing a test whose subject is starvation, which shows as seconds or as failures.
 */
@ResourceLock(NetLab.LOCK)
@Timeout(240)
class FloodLabIT {
  /** Connections per window; 5 windows of each kind pooled: the p99 is the 10th slowest of 1 000. */
  private static final int SAMPLES = 200;
  private static final int ROUNDS = 5;
  private static final int WARMUP = 100;
  private static final Duration MEASURE = Duration.ofSeconds(120);
  /** Added to the 2x bound: far below what a starved client sees (connects that wait seconds or fail). */
  private static final Duration SLACK = Duration.ofMillis(500);

  @RegisterExtension
  static final LabLifecycle LAB = new LabLifecycle("cone");

  @ParameterizedTest
  @ValueSource(strings = {"connect", "churn", "ping"})
  void shouldKeepTheOtherClientsNewConnectionsWorkingWhileOneFloods(String mode) throws Exception {
    String stun = lab().get("STUN");
    try (LabTunnel tunnel = LabTunnel.launch(lab(), "flood-" + mode, List.of("--stun", stun),
        List.of("--port", Integer.toString(LabTunnel.SERVICE_PORT), "--max-clients", "2"),
        List.of("--port", Integer.toString(LabTunnel.CLIENT_PORT)))) {
      tunnel.assertPath("direct");
      tunnel.client().awaitLine(line -> line.equals("Connect your app to 127.0.0.1:" + LabTunnel.CLIENT_PORT),
          LabTunnel.STEP);

      List<String> session = tunnel.session();
      LabProcess flooder = tunnel.helperOnClient("flooder", LabFlooder.class, List.of(session.get(0),
          session.get(1), stun, mode, Long.toString(MEASURE.toSeconds())));
      flooder.awaitLine(line -> line.equals("flooder connected"), LabTunnel.STEP.multipliedBy(2));
      tunnel.host().awaitLine(line -> line.contains("client #2") && line.contains("connected, path"),
          LabTunnel.STEP);

      LabProcess app = tunnel.helperOnClient("connects", LabConnectTimes.class, List.of(
          Integer.toString(LabTunnel.CLIENT_PORT), Integer.toString(WARMUP), Integer.toString(SAMPLES)));
      app.awaitLine(line -> line.equals("connects ready"), MEASURE);
      // Quiet and flooding windows take turns, so that both see the same machine (other builds come and go on its
      // two cores); the p99s compared are those of all windows of each kind pooled.
      Map<String, String> quiet = Map.of();
      Map<String, String> flood = Map.of();
      for (int round = 1; round <= ROUNDS; round++) {
        quiet = measure(app, "quiet-" + round);
        flooder.type("go");
        flooder.awaitCount(line -> line.startsWith("flooder flooding"), round, LabTunnel.STEP);
        flood = measure(app, "flood-" + round);
        flooder.type("stop");
        flooder.awaitCount(line -> line.equals("flooder quiet"), round, LabTunnel.STEP);
      }
      // The flooder joins plainly, as "client" without a code; the other client is named after the run.
      List<String> cuts = tunnel.host().stdout().stream().filter(line -> line.contains(" left: ")).toList();
      assertTrue(cuts.stream().allMatch(line -> line.contains("'client' (no code) left: ")),
          "only the flooder was cut: " + cuts);

      long quietP99 = Long.parseLong(quiet.get("pool_p99_us"));
      long floodP99 = Long.parseLong(flood.get("pool_p99_us"));
      LabResults.record(lab().variant(), "flood mode=" + mode + " other client's new connections (" + ROUNDS + " x "
          + SAMPLES + " each, alternating): quiet p50_us=" + quiet.get("pool_p50_us") + " p99_us=" + quietP99
          + "; flooding p50_us=" + flood.get("pool_p50_us") + " p99_us=" + floodP99 + " (ratio "
          + String.format(java.util.Locale.ROOT, "%.2f", (double) floodP99 / quietP99) + "), failures 0; host cut "
          + "the flooder " + cuts.size() + "x" + (cuts.isEmpty() ? "" : ", e.g. " + cuts.get(0).substring(
              cuts.get(0).indexOf(" left: ") + 7)));
      assertTrue(cuts.stream().allMatch(line -> line.contains("faster than") && line.contains("closed to protect "
          + "the host")), "the host cut only the flooder, saying why: " + cuts);
      assertTrue(!cuts.isEmpty(), "the host cut the flooder off");
      long bound = 2 * quietP99 + SLACK.toNanos() / 1_000;
      assertTrue(floodP99 <= bound, "the other client starved: p99 " + floodP99 + " us during the flood > 2 x "
          + quietP99 + " us without it + " + SLACK.toMillis() + " ms");
      assertTrue(tunnel.host().alive() && tunnel.client().alive(), "host and the other client keep running");
      assertTrue(tunnel.client().stderr().isEmpty(), "the other client reported nothing: "
          + tunnel.client().stderr());
    }
  }

  /** One window: its line, checked for failures. */
  private static Map<String, String> measure(LabProcess app, String label) throws Exception {
    app.type(label);
    Map<String, String> result = LabTunnel.values(app.awaitLine(line -> line.startsWith("connects label=" + label
        + " "), MEASURE));
    assertEquals("0", result.get("failures"), "the other client's failed connections in " + label + ": " + result);
    return result;
  }

  private static NetLab lab() {
    return LAB.lab();
  }
}

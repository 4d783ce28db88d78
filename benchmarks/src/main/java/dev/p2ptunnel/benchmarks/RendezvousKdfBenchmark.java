package dev.p2ptunnel.benchmarks;

import dev.p2ptunnel.rendezvous.RendezvousId;
import dev.p2ptunnel.rendezvous.internal.SessionSecrets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the rendezvous key schedule costs each side once per Session ID: PBKDF2-HMAC-SHA256 with 2^17 iterations plus
 * the HKDF expansions ({@link SessionSecrets#derive}).
 *
 * <ul>
 *   <li>{@code warm}: a JVM whose HMAC code is compiled (a long-running host deriving again);
 *   <li>{@code cold}: the first derivation in a fresh JVM, one per fork: what a person starting {@code p2p-tunnel}
 *       waits for (it overlaps connecting to the brokers and, on the client, loading libwebrtc).
 * </ul>
 * The attacker's side of the same number, per guess of a Session ID, is in docs/SIGNALING.md.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RendezvousKdfBenchmark {
  private final String id = RendezvousId.random().replace("-", "");

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @Fork(1)
  public SessionSecrets warm() {
    return SessionSecrets.derive(id);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  @Fork(10)
  public SessionSecrets cold() {
    return SessionSecrets.derive(id);
  }
}

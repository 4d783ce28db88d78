package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.MessageChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Numbers for the report, not assertions: run on demand with
 * {@code mvn -B -ntp -pl p2p-webrtc -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=Measurements
 * -Dp2p.measure=true} (the class name keeps it out of the default test run).
 */
class Measurements {
  @BeforeEach
  void onDemand() {
    Assumptions.assumeTrue(Boolean.getBoolean("p2p.measure"), "measurements run only with -Dp2p.measure=true");
    TestNetns.assumeNamespace();
  }

  @Test
  void throughputOf64KiBMessagesOneWay() throws Exception {
    for (int run = 0; run < 3; run++) {
      WebRtcSession[] pair = TestNetns.connectedPair(TestNetns.config());
      long total = 500_000_000L;
      Endpoint atB = new Endpoint(total);
      TestNetns.channel(pair[1]).start(atB);
      MessageChannel a = TestNetns.channel(pair[0]);
      Endpoint atA = new Endpoint(-1);
      a.start(atA);
      long t0 = System.nanoTime();
      atA.sendRandomFast(a, total);
      atB.allReceived.get(120, TimeUnit.SECONDS);
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("MEASURE throughput run %d: %d bytes in 64 KiB messages in %.2f s = %.1f MB/s%n",
          run, total, s, total / 1e6 / s);
      pair[0].close();
      pair[1].close();
    }
  }

  @Test
  void setupTime() throws Exception {
    for (int run = 0; run < 6; run++) {
      long t0 = System.nanoTime();
      WebRtcSession offerer = WebRtcSession.offer(TestNetns.config());
      long t1 = System.nanoTime();
      SessionDescription offer = offerer.localDescription();
      long t2 = System.nanoTime();
      WebRtcSession answerer = WebRtcSession.answer(TestNetns.config(), offer);
      SessionDescription answer = answerer.localDescription();
      long t3 = System.nanoTime();
      offerer.acceptAnswer(answer);
      offerer.dataChannel(java.time.Duration.ofSeconds(10));
      answerer.dataChannel(java.time.Duration.ofSeconds(10));
      long t4 = System.nanoTime();
      offerer.close();
      answerer.close();
      long t5 = System.nanoTime();
      System.out.printf("MEASURE setup run %d: create %.1f ms, offer gathered %.1f ms, answer (create+gather) %.1f ms,"
              + " open after answer %.1f ms, total %.1f ms; close both %.1f ms%n", run, (t1 - t0) / 1e6,
          (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, (t4 - t0) / 1e6, (t5 - t4) / 1e6);
    }
  }

  @Test
  void memoryPerMillionReceivedMessages() throws Exception {
    WebRtcSession[] pair = TestNetns.connectedPair(TestNetns.config());
    int size = 64;
    long messages = 1_000_000;
    Endpoint atB = new Endpoint(messages * size);
    TestNetns.channel(pair[1]).start(atB);
    MessageChannel a = TestNetns.channel(pair[0]);
    Endpoint atA = new Endpoint(-1);
    a.start(atA);
    long[] before = usage();
    ByteBuffer message = ByteBuffer.allocateDirect(size);
    long t0 = System.nanoTime();
    for (long i = 0; i < messages; i++) {
      while (!a.isWritable()) {
        atA.writable.tryAcquire(10, TimeUnit.MILLISECONDS);
      }
      a.send(message);
    }
    atB.allReceived.get(300, TimeUnit.SECONDS);
    double s = (System.nanoTime() - t0) / 1e9;
    long[] open = usage();
    pair[0].close();
    pair[1].close();
    long[] closed = usage();
    System.out.printf("MEASURE 1M x %d B messages through one session (%.1f s, %.0f msg/s): heap used after GC %d -> "
            + "%d -> %d KiB (before, after 1M received with the factory alive, after the factory is disposed); "
            + "RSS %d -> %d -> %d KiB%n", size, s, messages / s, before[0], open[0], closed[0], before[1], open[1],
        closed[1]);
  }

  /** {heap used after GC in KiB, RSS in KiB}. */
  private static long[] usage() throws IOException, InterruptedException {
    System.gc();
    Thread.sleep(500);
    System.gc();
    long heap = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024;
    long rss = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return new long[] {heap, rss};
  }
}

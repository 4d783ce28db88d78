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
    long total = 500_000_000L;
    for (int run = 0; run < 3; run++) {
      double s = rawTransferSeconds(total);
      System.out.printf("MEASURE throughput run %d: %d bytes in 64 KiB messages in %.2f s = %.1f MB/s%n",
          run, total, s, total / 1e6 / s);
    }
  }

  /**
   * The raw DataChannel (64 KiB messages, sender gated on writability) and the full tunnel (app → client bridge →
   * DataChannel → host bridge → service) on the same path, alternating, so that both see the same machine state.
   */
  @Test
  void rawDataChannelVersusTunnelThroughput() throws Exception {
    long total = 300_000_000L;
    for (int run = 0; run < 3; run++) {
      double raw = total / 1e6 / rawTransferSeconds(total);
      double tunnel = tunnelThroughput(total);
      System.out.printf("MEASURE run %d: raw DataChannel %.1f MB/s, tunnel %.1f MB/s = %.0f%% of raw%n",
          run, raw, tunnel, 100 * tunnel / raw);
    }
  }

  /**
   * Seconds to send {@code total} bytes in 64 KiB messages (sender gated on writability) over a fresh session pair,
   * until the receiver has them all; the pair is closed after.
   */
  private static double rawTransferSeconds(long total) throws Exception {
    WebRtcSession[] pair = TestNetns.connectedPair(TestNetns.config());
    try {
      Endpoint atB = new Endpoint(total);
      TestNetns.channel(pair[1]).start(atB);
      MessageChannel a = TestNetns.channel(pair[0]);
      Endpoint atA = new Endpoint(-1);
      a.start(atA);
      long t0 = System.nanoTime();
      atA.sendRandomFast(a, total);
      atB.allReceived.get(120, TimeUnit.SECONDS);
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      pair[0].close();
      pair[1].close();
    }
  }

  private static double tunnelThroughput(long total) throws Exception {
    try (java.net.ServerSocket sink = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      java.util.concurrent.CompletableFuture<Long> drained = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try (java.net.Socket s = sink.accept()) {
          byte[] buffer = new byte[1 << 16];
          long got = 0;
          int n;
          while (got < total && (n = s.getInputStream().read(buffer)) > 0) {
            got += n;
          }
          return System.nanoTime();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      InMemorySignaling signaling = new InMemorySignaling();
      dev.p2ptunnel.bridge.BridgeConfig bridge = dev.p2ptunnel.bridge.BridgeConfig.builder()
          .receiveWindowBytes(Integer.getInteger("p2p.window", 1 << 20)).build();
      try (HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", sink.getLocalPort())
              .signaling(signaling).webRtc(TestNetns.config()).bridge(bridge).build());
          ClientTunnel client = Tunnel.client(ClientOptions.builder(0).signaling(signaling)
              .webRtc(TestNetns.config()).bridge(bridge).build())) {
        client.awaitOpen(java.time.Duration.ofSeconds(20));
        host.awaitOpen(java.time.Duration.ofSeconds(20));
        try (java.net.Socket app = new java.net.Socket(client.localAddress().getAddress(),
            client.localAddress().getPort())) {
          byte[] chunk = new byte[1 << 16];
          new java.util.Random(7).nextBytes(chunk);
          long t0 = System.nanoTime();
          for (long sent = 0; sent < total; sent += chunk.length) {
            app.getOutputStream().write(chunk, 0, (int) Math.min(chunk.length, total - sent));
          }
          long end = drained.get(120, TimeUnit.SECONDS);
          return total / 1e6 / ((end - t0) / 1e9);
        }
      }
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

package dev.p2ptunnel.demo.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code netlab.sh up cone} with the real demo jar: a total outage between both home networks and the internet
 * (WebRTC and signaling alike) in the middle of a 300 MB download, longer than libwebrtc's FAILED (~17.5 s), after
 * which it never recovers by itself. The tunnel must get its path back by itself (rejoin through the signaling
 * server, resume over the new session) and lose nothing: the download completes byte-exact, and an interactive
 * keep-alive connection opened before the outage still answers after it. NAT address changes mid-download: through
 * the signaling server and through rendezvous (MQTT), the path comes back by ICE restart on the same session.
 */
@ResourceLock(NetLab.LOCK)
@Timeout(600)
class ResilienceLabIT {
  @RegisterExtension
  static final LabLifecycle LAB = new LabLifecycle("cone");

  private static final Duration OUTAGE = Duration.ofSeconds(60);
  private static final long DOWNLOAD = 300_000_000L;

  /** Minutes long by nature (a 60 s outage in 300 MB): tag "long", run by {@code mvn -Plong verify}, a CI step. */
  @Test
  @Tag("long")
  void shouldLoseNothingThroughASixtySecondOutageInTheMiddleOfATransfer() throws Exception {
    try (LabTunnel tunnel = LabTunnel.open(lab(), "outage", List.of("--stun", lab().get("STUN")))) {
      tunnel.assertPath("direct");
      LabProcess echo = tunnel.traffic("echo", List.of("echo", Integer.toString(LabTunnel.CLIENT_PORT), "600000"));
      echo.type("1");
      echo.awaitLine(line -> line.equals("hello=ok n=1"), LabTunnel.STEP);

      LabProcess get = tunnel.traffic("get-300mb", List.of("get", Integer.toString(LabTunnel.CLIENT_PORT),
          Long.toString(DOWNLOAD), "14", "600000"));
      awaitProgress(get, 48L << 20);
      long outageStart = System.nanoTime();
      tunnel.outage(true);
      try {
        tunnel.client().awaitLine(line -> line.contains("connection to the host lost"), Duration.ofSeconds(50));
        tunnel.awaitClientStats("\"state\":\"RECONNECTING\"");
        tunnel.host().awaitLine(line -> line.contains(" lost (") && line.contains("keeping its connections"),
            Duration.ofSeconds(50));
        long left = OUTAGE.toNanos() - (System.nanoTime() - outageStart);
        if (left > 0) {
          Thread.sleep(left / 1_000_000); // the rest of the outage itself: the scenario, not a wait for an event
        }
      } finally {
        tunnel.outage(false);
      }
      long restoredAt = System.nanoTime();
      echo.type("2");
      echo.awaitLine(line -> line.equals("hello=ok n=2") || line.startsWith("hello=BAD") || line.startsWith("error="),
          Duration.ofSeconds(90));
      long echoMs = (System.nanoTime() - restoredAt) / 1_000_000;
      assertTrue(echo.stdout().contains("hello=ok n=2"), "the interactive connection answers: " + echo.stdout());

      assertEquals("200", awaitDownload(get, DOWNLOAD, 14).values().get("status"));
      String back = tunnel.client().awaitLine(l -> l.contains("reconnected: "), LabTunnel.STEP);
      tunnel.host().awaitLine(l -> l.contains(" is back: its connections carry on"), LabTunnel.STEP);
      LabResults.record(lab().variant(), "outage outage_s=" + OUTAGE.toSeconds() + " download bytes=" + DOWNLOAD
          + " sha256=ok; interactive connection answered " + echoMs + " ms after the network was back; client: "
          + back.substring(back.indexOf("reconnected")));
    }
  }

  @Test
  void shouldKeepTheSameSessionByIceRestartThroughTheSignalingServerWhenTheClientsNatGetsANewAddress()
      throws Exception {
    try (LabTunnel tunnel = LabTunnel.open(lab(), "renat-restart", List.of("--stun", lab().get("STUN")))) {
      tunnel.assertPath("direct");
      long size = 60_000_000L;
      LabProcess get = tunnel.traffic("get-60mb", List.of("get", Integer.toString(LabTunnel.CLIENT_PORT),
          Long.toString(size), "16", "600000"));
      awaitProgress(get, 16L << 20);
      long changed = System.nanoTime();
      String change = lab().renumberClientsRouter();
      // Quiet when the restart is quick (no "lost", so no "reconnected"): the download's end and the server's log say.
      long doneMs = (awaitDownload(get, size, 16).atNanos() - changed) / 1_000_000;
      // The server's access log says how the path came back: an ICE restart offered by the client and answered by
      // the host on the same join, and no second join request (a rejoin would post one).
      List<String> access = tunnel.signal().stdout();
      assertTrue(access.stream().anyMatch(l -> l.contains("route=restart ") && l.contains("status=202")),
          "the client offered an ICE restart through the server: " + access);
      assertTrue(access.stream().anyMatch(l -> l.contains("route=restart-answer ") && l.contains("status=200")),
          "the host answered it: " + access);
      assertEquals(1, access.stream().filter(l -> l.contains("method=POST route=join ")).count(),
          "one join request: the first; no rejoin: " + access);
      // A restart slow enough for the keepalive is said on both sides: the host must then say the client is back.
      String back = tunnel.client().stdout().stream().filter(l -> l.contains("reconnected: ")).findFirst()
          .map(l -> l.substring(l.indexOf("reconnected"))).orElse("no loss reported: the path came back quietly");
      if (tunnel.host().stdout().stream().anyMatch(l -> l.contains(" lost ("))) {
        tunnel.host().awaitLine(l -> l.contains(" is back: its connections carry on"), LabTunnel.STEP);
      }
      LabResults.record(lab().variant(), "NAT address change " + change + " mid-download, HTTP "
          + "signaling: back by ICE restart (same session, no rejoin), download complete " + doneMs + " ms after the "
          + "change (client: " + back + "); bytes=" + size + " sha256=ok");
    }
  }

  /**
   * The same NAT change with the demo's default signaling, rendezvous through an MQTT broker (the lab's own mosquitto
   * on the WAN): the client's broker connections closed after the join, so the restart connects to the broker again
   * from the new address, and the host answers on the join it kept. Both sides run --verbose: their logs say how the
   * path came back (an ICE restart answered on the same join, and no rejoin).
   */
  @Test
  void shouldKeepTheSameSessionByIceRestartThroughTheRendezvousWhenTheClientsNatGetsANewAddress() throws Exception {
    try (Opened open = new Opened()) {
      Rendezvous pair = rendezvous(open, "renat-rdv", 1889, List.of(), LabProcess.newConfigHome("renat-rdv-host"));
      LabProcess host = pair.host();
      LabProcess client = pair.client();
      long size = 60_000_000L;
      LabProcess get = open.add(LabProcess.helper("renat-rdv-get-60mb", lab().get("NS_CLIENT"), LabTraffic.class,
          List.of("get", Integer.toString(LabTunnel.CLIENT_PORT), Long.toString(size), "17", "600000")));
      awaitProgress(get, 16L << 20);
      long changed = System.nanoTime();
      String change = lab().renumberClientsRouter();
      long doneMs = (awaitDownload(get, size, 17).atNanos() - changed) / 1_000_000;
      // How the path came back: the host answered an ICE restart of the join it kept, and nobody rejoined.
      String answered = host.awaitErrLine(l -> l.contains("ICE restart ") && l.contains("from 'renat-rdv': answered"),
          LabTunnel.STEP);
      String done = client.awaitErrLine(l -> l.contains("ICE restart ") && l.endsWith(": answered"), LabTunnel.STEP);
      String number = done.substring(done.indexOf("ICE restart ") + 12, done.indexOf(" of join"));
      String offered = client.stderr().stream().filter(l -> l.contains("ICE restart " + number + " of join")
          && l.contains(": offered")).findFirst().orElseThrow();
      long restartMs = java.time.Duration.between(java.time.LocalTime.parse(offered.split(" ")[2]),
          java.time.LocalTime.parse(done.split(" ")[2])).toMillis();
      assertTrue(client.stderr().stream().noneMatch(l -> l.contains("rejoin")), "no rejoin: " + client.stderr());
      assertEquals(1, host.stdout().stream().filter(l -> l.contains(" connected, path ")).count(),
          "one session on the host: " + host.stdout());
      LabResults.record(lab().variant(), "NAT address change " + change + " mid-download, rendezvous "
          + "(MQTT): back by ICE restart (same session, no rejoin; host: " + answered.substring(answered.indexOf(
          "ICE restart")) + "; restart " + number + " offered -> answered " + restartMs + " ms, broker connection "
          + "included: " + offered.substring(offered.indexOf("offered")) + "), download complete " + doneMs
          + " ms after the change; bytes=" + size + " sha256=ok");
    }
  }

  /**
   * A 30 s total outage (longer than libwebrtc's FAILED, brokers cut off too) in the middle of a download through the
   * rendezvous: the client restarts ICE through the outage (each restart failing, its broker connections started
   * afresh each time) and comes back on the same session once the network is; nothing lost, no rejoin.
   */
  @Test
  @Tag("long")
  void shouldComeBackOnTheSameSessionAfterAnOutageThroughTheRendezvous() throws Exception {
    try (Opened open = new Opened()) {
      Rendezvous pair = rendezvous(open, "outage-rdv", 1891, List.of(), LabProcess.newConfigHome("outage-rdv-host"));
      long size = 60_000_000L;
      LabProcess get = open.add(LabProcess.helper("outage-rdv-get-60mb", lab().get("NS_CLIENT"), LabTraffic.class,
          List.of("get", Integer.toString(LabTunnel.CLIENT_PORT), Long.toString(size), "18", "600000")));
      awaitProgress(get, 16L << 20);
      long outageStart = System.nanoTime();
      for (String nat : List.of(lab().get("NS_NAT_A"), lab().get("NS_NAT_B"))) {
        lab().exec(nat, "iptables", "-w", "-I", "FORWARD", "1", "-j", "DROP");
      }
      try {
        pair.client().awaitLine(line -> line.contains("connection to the host lost"), Duration.ofSeconds(50));
        long left = Duration.ofSeconds(30).toNanos() - (System.nanoTime() - outageStart);
        if (left > 0) {
          Thread.sleep(left / 1_000_000); // the rest of the outage itself: the scenario, not a wait for an event
        }
      } finally {
        for (String nat : List.of(lab().get("NS_NAT_A"), lab().get("NS_NAT_B"))) {
          lab().exec(nat, "iptables", "-w", "-D", "FORWARD", "-j", "DROP");
        }
      }
      long restored = System.nanoTime();
      String back = pair.client().awaitLine(l -> l.contains("reconnected: "), Duration.ofSeconds(120));
      long backMs = (System.nanoTime() - restored) / 1_000_000;
      awaitDownload(get, size, 18);
      assertTrue(pair.client().stderr().stream().noneMatch(l -> l.contains("rejoin")), "no rejoin: "
          + pair.client().stderr());
      long restarts = pair.client().stderr().stream().filter(l -> l.contains("ICE restart ") && l.contains(
          ": offered")).count();
      LabResults.record(lab().variant(), "30 s outage mid-download, rendezvous (MQTT): " + restarts + " ICE restarts "
          + "offered, back on the same session (no rejoin) " + backMs + " ms after the network was back (client: "
          + back.substring(back.indexOf("reconnected")) + "); bytes=" + size + " sha256=ok");
    }
  }

  /** What a rendezvous scenario started: closed last opened first, whatever happened. */
  private static final class Opened implements AutoCloseable {
    private final List<Runnable> closes = new java.util.ArrayList<>();

    LabProcess add(LabProcess process) {
      closes.add(process::close);
      return process;
    }

    void add(LabBroker broker) {
      closes.add(broker::close);
    }

    @Override
    public void close() {
      for (int i = closes.size() - 1; i >= 0; i--) {
        closes.get(i).run();
      }
    }
  }

  /** A host and a client of the demo meeting through the lab's own mosquitto (plain MQTT on the WAN). */
  private record Rendezvous(String url, List<String> hostArgs, LabProcess host, LabProcess client, String session) {}

  /**
   * Starts a broker on {@code port}, the service, {@code host --yes --verbose} (installation {@code hostHome}) and a
   * client that joins it; waits for the client's "connected, path direct". Everything goes into {@code open}.
   */
  private static Rendezvous rendezvous(Opened open, String label, int port, List<String> moreHostArgs,
      java.nio.file.Path hostHome) throws Exception {
    LabBroker.assumeInstalled();
    String wan = lab().get("WAN_IP");
    String url = "mqtt://" + wan + ":" + port;
    open.add(LabBroker.start(label, lab().get("NS_WAN"), wan, port, 0));
    LabProcess service = open.add(LabProcess.helper(label + "-service", lab().get("NS_HOST"), LabService.class,
        List.of(Integer.toString(LabTunnel.SERVICE_PORT))));
    service.awaitLine(line -> line.equals("listening 127.0.0.1:" + LabTunnel.SERVICE_PORT), LabTunnel.STEP);
    List<String> hostArgs = new java.util.ArrayList<>(List.of("host", "--port",
        Integer.toString(LabTunnel.SERVICE_PORT), "--yes", "--rendezvous", url, "--stun", lab().get("STUN"),
        "--verbose"));
    hostArgs.addAll(moreHostArgs);
    LabProcess host = open.add(LabProcess.demo(label + "-host", lab().get("NS_HOST"), hostArgs, hostHome));
    String session = host.awaitLine(line -> line.startsWith("Session ID: "), LabTunnel.STEP).substring(12);
    host.awaitLine(line -> line.endsWith("rendezvous broker " + url + ": connected"), Duration.ofSeconds(60));
    LabProcess client = open.add(LabProcess.demo(label + "-client", lab().get("NS_CLIENT"), List.of("client",
        "--session", session, "--port", Integer.toString(LabTunnel.CLIENT_PORT), "--name", label, "--rendezvous", url,
        "--stun", lab().get("STUN"), "--verbose")));
    client.awaitLine(line -> line.endsWith("connected, path direct"), LabTunnel.STEP.multipliedBy(2));
    return new Rendezvous(url, List.copyOf(hostArgs), host, client, session);
  }

  /**
   * The host restarted (SIGKILL, then the same installation and --session-name) under rendezvous: the new host does
   * not know the client's join, so the client's ICE restart is answered GONE (or its session is gone already) and it
   * rejoins at once instead of waiting out its restart budget; its old connection closes cleanly, a new one works.
   */
  @Test
  void shouldBringTheClientBackToAHostRestartedUnderTheRendezvous() throws Exception {
    try (Opened open = new Opened()) {
      java.nio.file.Path home = LabProcess.newConfigHome("restart-rdv-host");
      Rendezvous pair = rendezvous(open, "restart-rdv", 1890, List.of("--session-name", "lab-restart-rdv"), home);
      LabProcess hold = open.add(LabProcess.helper("restart-rdv-hold", lab().get("NS_CLIENT"), LabTraffic.class,
          List.of("hold", Integer.toString(LabTunnel.CLIENT_PORT), "300000")));
      hold.awaitLine(line -> line.equals("holding"), LabTunnel.STEP);
      pair.host().kill();
      LabProcess host = open.add(LabProcess.demo("restart-rdv-host-2", lab().get("NS_HOST"), pair.hostArgs(), home));
      assertEquals("Session ID: " + pair.session(), host.awaitLine(line -> line.startsWith("Session ID: "),
          LabTunnel.STEP), "the same Session ID after the restart");
      host.awaitLine(line -> line.endsWith("rendezvous broker " + pair.url() + ": connected"), Duration.ofSeconds(60));
      long hostBack = System.nanoTime();
      String back = pair.client().awaitLine(line -> line.contains("reconnected: "), Duration.ofSeconds(90));
      long backMs = (System.nanoTime() - hostBack) / 1_000_000;
      assertTrue(back.contains("1 was closed, the host no longer had them"), back);
      String closed = hold.awaitLine(line -> line.startsWith("closed how="), LabTunnel.STEP);
      assertTrue(closed.startsWith("closed how=eof"), "an orderly close (FIN), not a reset: " + closed);
      LabProcess probe = open.add(LabProcess.helper("restart-rdv-probe", lab().get("NS_CLIENT"), LabTraffic.class,
          List.of("first-byte", Integer.toString(LabTunnel.CLIENT_PORT), Long.toString(LabTunnel.STEP.toMillis()))));
      probe.awaitLine(line -> line.equals("hello=ok"), LabTunnel.STEP);
      boolean gone = pair.client().stderr().stream().anyMatch(l -> l.contains("the host does not know this join"));
      LabResults.record(lab().variant(), "host restart under rendezvous (MQTT): client reconnected " + backMs
          + " ms after the restarted host's broker connection; " + (gone ? "its ICE restart was answered GONE"
          : "its session was gone before a restart") + "; old connection " + closed + "; new connection hello=ok");
      assertTrue(backMs < 30_000, "client back " + backMs + " ms after the host");
    }
  }

  @Test
  void shouldBringTheClientBackToARestartedHostClosingTheOldConnectionsCleanly() throws Exception {
    try (LabTunnel tunnel = LabTunnel.open(lab(), "restart", List.of("--stun", lab().get("STUN")),
        List.of("--session-name", "lab-restart"))) {
      tunnel.assertPath("direct");
      LabProcess hold = tunnel.traffic("hold", List.of("hold", Integer.toString(LabTunnel.CLIENT_PORT), "300000"));
      hold.awaitLine(line -> line.equals("holding"), LabTunnel.STEP);
      String sessionId = tunnel.host().awaitLine(line -> line.startsWith("Session ID: "), LabTunnel.STEP);

      LabProcess host = tunnel.restartHost();
      assertEquals(sessionId, host.awaitLine(line -> line.startsWith("Session ID: "), LabTunnel.STEP),
          "the same Session ID after the restart");
      long hostBack = System.nanoTime();
      String back = tunnel.client().awaitLine(line -> line.contains("reconnected: "), Duration.ofSeconds(60));
      long backMs = (System.nanoTime() - hostBack) / 1_000_000;
      assertTrue(back.contains("1 was closed, the host no longer had them"), back);
      String closed = hold.awaitLine(line -> line.startsWith("closed how="), LabTunnel.STEP);
      assertTrue(closed.startsWith("closed how=eof") || closed.contains("reset"), closed);
      assertTrue(closed.startsWith("closed how=eof"), "an orderly close (FIN), not a reset: " + closed);

      LabProcess probe = tunnel.traffic("probe-after", List.of("first-byte", Integer.toString(LabTunnel.CLIENT_PORT),
          Long.toString(LabTunnel.STEP.toMillis())));
      probe.awaitLine(line -> line.equals("hello=ok"), LabTunnel.STEP);
      LabResults.record(lab().variant(), "host restart: client reconnected " + backMs + " ms after the restarted "
          + "host printed its Session ID; old connection " + closed + "; new connection hello=ok");
      // Generous for a busy machine; the measured value is in the lab results.
      assertTrue(backMs < 30_000, "client back " + backMs + " ms after the host");
    }
  }

  @Test
  void shouldCloseEveryConnectionAndSaySoOncePerSideWhenTheOutageOutlastsTheGracePeriod() throws Exception {
    // --keepalive 2s,6s: the subject is the grace period, not how long the default keepalive (15 s) takes to notice;
    // --grace 5s: its length is not the subject either, only that an outage outlasting it ends everything cleanly
    try (LabTunnel tunnel = LabTunnel.open(lab(), "grace", List.of("--stun", lab().get("STUN"), "--grace", "5s",
        "--keepalive", "2s,6s"))) {
      tunnel.assertPath("direct");
      LabProcess hold = tunnel.traffic("hold", List.of("hold", Integer.toString(LabTunnel.CLIENT_PORT), "300000"));
      hold.awaitLine(line -> line.equals("holding"), LabTunnel.STEP);
      tunnel.outage(true);
      try {
        String reason = tunnel.client().awaitErrLine(line -> line.contains("did not come back within 5 s"),
            Duration.ofSeconds(90));
        assertTrue(reason.startsWith("p2p-tunnel: the tunnel closed: the host did not come back within 5 s"),
            reason);
        String closed = hold.awaitLine(line -> line.startsWith("closed how="), LabTunnel.STEP);
        assertTrue(closed.startsWith("closed how=eof"), "an orderly close (FIN), not a reset: " + closed);
        tunnel.host().awaitLine(line -> line.contains(" left: the client did not come back within 5 s"),
            Duration.ofSeconds(90));
        assertEquals(1, tunnel.client().awaitExit(LabTunnel.STEP), "the client exits with 1 (runtime failure)");
        assertEquals(1, tunnel.host().stdout().stream().filter(l -> l.contains(" left: ")).count(),
            "one message on the host: " + tunnel.host().stdout());
        LabResults.record(lab().variant(), "grace 5 s: client '" + reason + "'; connection " + closed);
      } finally {
        tunnel.outage(false);
      }
    }
  }

  /** Waits until download {@code get} has {@code bytes} (or has ended: {@link #awaitDownload} then says how). */
  private static void awaitProgress(LabProcess get, long bytes) throws Exception {
    get.awaitLine(line -> line.startsWith("progress=") && Long.parseLong(line.substring(9)) >= bytes
        || line.startsWith("status=") || line.startsWith("error="), Duration.ofSeconds(120));
  }

  /** A download's end: its result line's values, and when it came ({@link System#nanoTime()}). */
  private record Downloaded(Map<String, String> values, long atNanos) {}

  /**
   * Waits for download {@code get} ({@link LabTraffic} {@code get}) to end, then checks that it exited 0 with all
   * {@code size} bytes of pattern {@code seed} ({@link LabData}), byte-exact.
   */
  private static Downloaded awaitDownload(LabProcess get, long size, int seed) throws Exception {
    String line = get.awaitLine(l -> l.startsWith("status=") || l.startsWith("error="), Duration.ofSeconds(300));
    long at = System.nanoTime();
    assertEquals(0, get.awaitExit(LabTunnel.STEP), "traffic exit code: " + get.stdout());
    Map<String, String> values = LabTunnel.values(line);
    assertEquals(Long.toString(size), values.get("bytes"), "bytes received through the tunnel: " + line);
    assertEquals(LabData.sha256(size, seed), values.get("sha256"), "SHA-256 of what came through the tunnel");
    return new Downloaded(values, at);
  }

  /** Every scenario starts with the lab's own address on the client's router, whatever ran before it. */
  @AfterEach
  void restoreClientsRouter() throws IOException, InterruptedException {
    lab().restoreClientsRouter();
  }

  private static NetLab lab() {
    return LAB.lab();
  }
}

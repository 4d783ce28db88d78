package dev.p2ptunnel.demo.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code netlab.sh up cone}: one host shares real services of its machine, TCP and UDP, through one session and one
 * approval; the client reaches each through its own mapped port. The services are Debian's: {@code dnsmasq} (DNS over
 * UDP, and over TCP as the second TCP service), {@code iperf3 -s} (its control connection over TCP, its test
 * traffic over UDP, on the same port number, as a game server's TCP and UDP ports), and the lab's HTTP service.
 */
@ResourceLock(NetLab.LOCK)
@Timeout(180)
class ServicesLabIT {
  private static final int DNS_PORT = 5300;
  private static final int IPERF_PORT = 5201;
  private static final int CLIENT_DNS_PORT = 9053;
  private static final int CLIENT_IPERF_PORT = 9201;
  private static final String GAME_ADDRESS = "10.1.2.3";

  @RegisterExtension
  static final LabLifecycle LAB = new LabLifecycle("cone");

  @Test
  void shouldCarryHttpDnsOverUdpAndTcpAndIperfUdpThroughOneApproval() throws Exception {
    List<String> shares = List.of(
        "--share", "web=" + LabTunnel.SERVICE_PORT,
        "--share", "dns=" + DNS_PORT + "/udp",
        "--share", "dns-tcp=" + DNS_PORT + "/tcp",
        "--share", "iperf=" + IPERF_PORT,
        "--share", "iperf-udp=" + IPERF_PORT + "/udp");
    List<String> maps = List.of(
        "--map", LabTunnel.CLIENT_PORT + "=web",
        "--map", CLIENT_DNS_PORT + "=dns",
        "--map", CLIENT_DNS_PORT + "=dns-tcp",
        "--map", CLIENT_IPERF_PORT + "=iperf",
        "--map", CLIENT_IPERF_PORT + "=iperf-udp");
    try (LabTunnel tunnel = LabTunnel.launch(lab(), "services", List.of("--stun", lab().get("STUN")), shares,
        maps)) {
      // dnsmasq answers one name from its own configuration and asks nobody else (no upstream, no /etc/hosts).
      LabProcess dns = tunnel.onHost("dnsmasq", List.of("dnsmasq", "--keep-in-foreground", "--log-facility=-",
          "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--user=root", "--pid-file=",
          "--listen-address=127.0.0.1", "--bind-interfaces", "--port=" + DNS_PORT,
          "--address=/game.lab/" + GAME_ADDRESS, "--log-queries"));
      dns.awaitErrLine(line -> line.contains("started, version"), LabTunnel.STEP);
      LabProcess iperfServer = tunnel.onHost("iperf3-server", List.of("iperf3", "-s", "--forceflush", "-B", "127.0.0.1", "-p",
          Integer.toString(IPERF_PORT)));
      iperfServer.awaitLine(line -> line.startsWith("Server listening on " + IPERF_PORT), LabTunnel.STEP);

      tunnel.host().awaitLine(line -> line.startsWith("Sharing web (127.0.0.1:" + LabTunnel.SERVICE_PORT
          + "/tcp), dns (127.0.0.1:" + DNS_PORT + "/udp), dns-tcp (127.0.0.1:" + DNS_PORT + "/tcp), iperf "
          + "(127.0.0.1:" + IPERF_PORT + "/tcp), iperf-udp (127.0.0.1:" + IPERF_PORT + "/udp) with up to 1 client"),
          LabTunnel.STEP);
      tunnel.assertPath("direct");
      LabProcess client = tunnel.client();
      client.awaitLine(line -> line.equals("Connect your app to 127.0.0.1:" + LabTunnel.CLIENT_PORT
          + " for 'web' (port " + LabTunnel.SERVICE_PORT + " on the host)"), LabTunnel.STEP);
      client.awaitLine(line -> line.equals("Connect your app to 127.0.0.1:" + CLIENT_DNS_PORT
          + " (UDP) for 'dns' (port " + DNS_PORT + " on the host)"), LabTunnel.STEP);
      client.awaitLine(line -> line.equals("Connect your app to 127.0.0.1:" + CLIENT_DNS_PORT
          + " for 'dns-tcp' (port " + DNS_PORT + " on the host)"), LabTunnel.STEP);
      client.awaitLine(line -> line.equals("Connect your app to 127.0.0.1:" + CLIENT_IPERF_PORT
          + " (UDP) for 'iperf-udp' (port " + IPERF_PORT + " on the host)"), LabTunnel.STEP);

      // HTTP, byte-exact.
      tunnel.download(10_000_000L, 16, Duration.ofSeconds(60));

      // DNS over UDP: dig retries a lost query itself (UDP may lose one; the answer must be right).
      assertEquals(List.of(GAME_ADDRESS), dig(tunnel, "dig-udp", "+notcp"));
      // The second TCP service: the same DNS server over TCP.
      assertEquals(List.of(GAME_ADDRESS), dig(tunnel, "dig-tcp", "+tcp"));
      dns.awaitErrLine(line -> line.contains("query[A] game.lab from 127.0.0.1"), LabTunnel.STEP);

      // iperf3 -u at 10 Mbit/s for 5 s: its control connection on one service, its datagrams (1100 bytes: below the
      // 1158 a datagram may carry) on the other; it reports the loss the receiving server measured.
      LabProcess iperf = tunnel.onClient("iperf3-udp", List.of("iperf3", "-c", "127.0.0.1", "-p",
          Integer.toString(CLIENT_IPERF_PORT), "-u", "-b", "10M", "-l", "1100", "-t", "5", "-J",
          "--connect-timeout", "20000"));
      Integer code = iperf.awaitExit(Duration.ofSeconds(60));
      String json = String.join("\n", iperf.stdout());
      assertEquals(0, code, "iperf3 exit code; output " + json + " stderr " + iperf.stderr());
      JsonNode sum = new ObjectMapper().readTree(json).path("end").path("sum");
      long packets = sum.path("packets").asLong(-1);
      long lost = sum.path("lost_packets").asLong(-1);
      double lostPercent = sum.path("lost_percent").asDouble(-1);
      double jitterMs = sum.path("jitter_ms").asDouble(-1);
      double mbits = sum.path("bits_per_second").asDouble(-1) / 1e6;
      LabResults.record(lab().variant(), "services iperf3 -u -b 10M -l 1100 -t 5: packets=" + packets + " lost="
          + lost + " lost_percent=" + String.format(java.util.Locale.ROOT, "%.2f", lostPercent) + " jitter_ms="
          + String.format(java.util.Locale.ROOT, "%.3f", jitterMs) + " Mbit/s=" + String.format(
              java.util.Locale.ROOT, "%.2f", mbits) + " (iperf3's own report, through the tunnel's udp channel)");
      assertTrue(packets > 1_000, "iperf3 sent " + packets + " datagrams: " + sum);
      assertTrue(lost >= 0 && lostPercent >= 0, "iperf3 reports its loss: " + sum);
      // A sanity bound, not a performance claim: most datagrams arrive over a clean lab path.
      assertTrue(lostPercent < 50, "lost " + lostPercent + " %: " + sum);
      assertTrue(tunnel.host().alive() && client.alive(), "host and client keep running");
    }
  }

  /** {@code dig @127.0.0.1 -p CLIENT_DNS_PORT game.lab +short} in the client's namespace: its answer lines. */
  private static List<String> dig(LabTunnel tunnel, String name, String transport) throws Exception {
    LabProcess dig = tunnel.onClient(name, List.of("dig", "@127.0.0.1", "-p", Integer.toString(CLIENT_DNS_PORT),
        "game.lab", "A", transport, "+short", "+tries=5", "+time=3"));
    assertEquals(0, dig.awaitExit(Duration.ofSeconds(30)), "dig exit code; " + dig.stdout() + dig.stderr());
    return dig.stdout();
  }

  private static NetLab lab() {
    return LAB.lab();
  }
}

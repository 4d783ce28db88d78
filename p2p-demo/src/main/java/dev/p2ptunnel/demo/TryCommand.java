package dev.p2ptunnel.demo;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.SignalingServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.ClientOptions;
import dev.p2ptunnel.webrtc.ClientTunnel;
import dev.p2ptunnel.webrtc.HostOptions;
import dev.p2ptunnel.webrtc.HostTunnel;
import dev.p2ptunnel.webrtc.JoinDecision;
import dev.p2ptunnel.webrtc.Tunnel;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.signaling.HttpHostSignaling;
import dev.p2ptunnel.webrtc.signaling.HttpSignaling;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code p2p-tunnel try}: the whole path on one machine. A small web server, a signaling server, a host sharing the
 * web server, a client joining through the signaling server, a page and a few megabytes fetched through the
 * tunnel; then everything closes.
 */
final class TryCommand implements Callable<Integer> {
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(20);
  private static final String PAGE = "Hello through p2p-tunnel!\n";

  private final Env env;

  int megabytes = 16;

  final OutputOptions output = new OutputOptions();

  TryCommand(Env env) {
    this.env = env;
  }

  /** The command's model. */
  CommandSpec spec() {
    CommandSpec spec = Cli.command("try", this, new String[] {"Try p2p-tunnel on this machine: starts a small web "
        + "server and a signaling server, shares the web server with a host, joins with a client (all in this "
        + "process, over a real WebRTC DataChannel), fetches a page and a few MB through the tunnel, prints what "
        + "happened and exits."},
        "0:everything worked", "1:something failed (the line says what)", "2:bad usage");
    spec.addOption(Cli.option("--mb", "N", int.class, () -> megabytes, v -> megabytes = v,
        "Megabytes to pull through the tunnel for the throughput figure (default: ${DEFAULT-VALUE}).").build());
    output.addTo(spec);
    Cli.standardHelp(spec);
    return spec;
  }

  @Override
  public Integer call() throws Exception {
    Console console = output.console(env);
    Logs.configure(output.verbose);
    Preload.libwebrtcInBackground();
    Shutdown shutdown = env.shutdown();
    long bytes = Math.max(0, megabytes) * 1_000_000L;
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", TryCommand::page);
      server.createContext("/bytes", TryCommand::blob);
      server.start();
      shutdown.register(() -> server.stop(0));
      InetSocketAddress service = server.getAddress();
      console.info("1. web server (the service to share) on " + Addresses.format(service));

      SignalingServer signal = shutdown.register(SignalingServer.start(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SignalingConfig.defaults()));
      HttpHostSignaling session = shutdown.register(HttpHostSignaling.create(signal.uri(), 1));
      console.info("2. signaling server on " + Addresses.format(signal.address()) + ", host session "
          + session.sessionId());

      // Both ends in this process: no STUN needed, and nothing leaves the machine but the peers' own packets.
      WebRtcConfig config = WebRtcConfig.builder().iceServers(List.of()).build();
      HostTunnel host = shutdown.register(Tunnel.host(HostOptions.builder(service.getHostString(),
          service.getPort()).signaling(session).webRtc(config).approver(join -> {
            console.info("4. host: join request from '" + join.clientName() + "', short authentication code "
                + join.shortAuthString() + " (the client shows the same), approved");
            return CompletableFuture.completedFuture(JoinDecision.approve());
          }).build()));
      console.info("3. host sharing the web server; a client joins session " + session.sessionId());
      ClientTunnel client = shutdown.register(Tunnel.client(ClientOptions.builder(0)
          .signaling(new HttpSignaling(signal.uri(), session.sessionId())).name("try client").webRtc(config)
          .build()));
      try {
        client.awaitOpen(OPEN_TIMEOUT);
        host.awaitOpen(OPEN_TIMEOUT);
      } catch (TimeoutException | RuntimeException e) {
        String reason = client.closed().getNow(e.getMessage() == null ? e.toString() : e.getMessage());
        throw new UserError(Hints.explain("the tunnel did not open", reason), e);
      }
      String local = Addresses.format(client.localAddress());
      console.info("5. client connected (path " + client.path().get().name().toLowerCase(Locale.ROOT)
          + ", code " + client.shortAuthString() + "), listening on " + local);

      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://" + local + "/"))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      if (page.statusCode() != 200 || !page.body().equals(PAGE)) {
        throw new UserError("fetching the page through the tunnel gave HTTP " + page.statusCode() + " '"
            + page.body().strip() + "'; run with --verbose and report it");
      }
      console.info("6. GET http://" + local + "/ through the tunnel: HTTP 200 \"" + PAGE.strip() + "\"");

      long start = System.nanoTime();
      HttpResponse<InputStream> blob = http.send(HttpRequest.newBuilder(
          URI.create("http://" + local + "/bytes?n=" + bytes)).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      long received = 0;
      CRC32 crc = new CRC32();
      try (InputStream body = blob.body()) {
        byte[] buffer = new byte[65_536];
        int n;
        while ((n = body.read(buffer)) > 0) {
          crc.update(buffer, 0, n);
          received += n;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (received != bytes || crc.getValue() != expectedCrc(bytes)) {
        throw new UserError("pulled " + received + " of " + bytes + " bytes through the tunnel, or they differ; "
            + "run with --verbose and report it");
      }
      console.info(String.format(Locale.ROOT, "7. pulled %s through the tunnel in %.2f s: %s, content verified",
          StatusFormat.bytes(bytes), seconds, StatusFormat.rate(Math.round(bytes / seconds))));
      BridgeStats stats = client.stats();
      if (stats != null) {
        console.info("8. client totals: sent " + StatusFormat.bytes(stats.bytesToPeer()) + ", received "
            + StatusFormat.bytes(stats.bytesFromPeer()) + " in " + stats.messagesFromPeer() + " messages, "
            + stats.totalSockets() + (stats.totalSockets() == 1 ? " TCP connection" : " TCP connections"));
      }
      client.close();
      host.close();
      console.result("OK: p2p-tunnel works on this machine. Next: 'p2p-tunnel signal' on a machine both sides "
          + "reach, 'p2p-tunnel host --port PORT --signal URL' next to your service, and 'p2p-tunnel client "
          + "--signal URL --session ID --port PORT' for the peer (or both with --offline, no server).");
      return ExitCodes.OK;
    } catch (ExecutionException e) {
      throw new UserError("the tunnel failed: " + e.getCause(), e);
    } finally {
      shutdown.closeAll();
    }
  }

  private static void page(HttpExchange exchange) throws IOException {
    byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void blob(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getQuery();
    long n = query != null && query.startsWith("n=") ? Long.parseLong(query.substring(2)) : 0;
    exchange.sendResponseHeaders(200, n == 0 ? -1 : n);
    try (OutputStream out = exchange.getResponseBody()) {
      byte[] chunk = new byte[65_536];
      long sent = 0;
      while (sent < n) {
        int len = (int) Math.min(chunk.length, n - sent);
        fill(chunk, sent, len);
        out.write(chunk, 0, len);
        sent += len;
      }
    }
  }

  /** Byte {@code i} of the blob is a function of {@code i}: checkable without keeping a copy. */
  private static void fill(byte[] chunk, long offset, int len) {
    for (int i = 0; i < len; i++) {
      long index = offset + i;
      chunk[i] = (byte) (index * 31 + (index >>> 8));
    }
  }

  private static long expectedCrc(long bytes) {
    CRC32 crc = new CRC32();
    byte[] chunk = new byte[65_536];
    for (long sent = 0; sent < bytes; sent += chunk.length) {
      int len = (int) Math.min(chunk.length, bytes - sent);
      fill(chunk, sent, len);
      crc.update(chunk, 0, len);
    }
    return crc.getValue();
  }
}

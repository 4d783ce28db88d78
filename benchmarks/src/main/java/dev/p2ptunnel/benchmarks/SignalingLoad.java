package dev.p2ptunnel.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.SignalingServer;
import dev.p2ptunnel.signaling.api.JsonBodies;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load on the signaling server: concurrent workers each run whole exchanges as the real clients do: the host
 * creates a session and long-polls its events; the client posts its join (which wakes the host's poll); the host
 * approves with an answer; the client reads the answer (5 HTTP requests); then the host deletes the session. The
 * harness reports exchanges per second and the latency of the 5 steps (p50, p99). Servers run in this JVM on
 * loopback; with {@code redis} the harness starts a redis-server of its own; with 2 instances the host side talks to
 * instance A and the client side to instance B, so every wake-up crosses Redis pub/sub. Limits are raised: this
 * measures the work, not the abuse guards.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.p2ptunnel.benchmarks.SignalingLoad memory|redis 1|2 [workers] [seconds]</pre>
 */
public final class SignalingLoad {
  static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n" + "a=candidate:x\r\n".repeat(20);
  static final String ANSWER = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n" + "a=candidate:y\r\n".repeat(20);

  /** Runs the hosts' long-polls (one waits per worker at a time). */
  private static final java.util.concurrent.ExecutorService POLLERS = java.util.concurrent.Executors
      .newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "load-poll");
        thread.setDaemon(true);
        return thread;
      });

  private SignalingLoad() {}

  public static void main(String[] args) throws Exception {
    String store = args.length > 0 ? args[0] : "memory";
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int workers = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    Process redis = null;
    Path redisDir = null;
    List<SignalingServer> servers = new ArrayList<>();
    try {
      SignalingConfig.Builder config = SignalingConfig.builder().createsPerMinute(10_000_000)
          .createsPerMinutePerPrefix(10_000_000).joinsPerMinute(10_000_000).joinsPerSessionPerMinute(1_000)
          .requestsPerSecondPerAddress(1_000_000).maxConnectionsPerAddress(10_000).maxSessions(1_000_000);
      if (store.equals("redis")) {
        redisDir = Files.createTempDirectory("p2p-bench-redis-");
        int port = freePort();
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir",
            redisDir.toString(), "--save", "", "--appendonly", "no", "--logfile", redisDir.resolve("log").toString())
            .start();
        awaitRedis(port);
        config.redis(URI.create("redis://127.0.0.1:" + port));
      }
      for (int i = 0; i < instances; i++) {
        servers.add(SignalingServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            config.build()));
      }
      URI hostSide = servers.get(0).uri();
      URI clientSide = servers.get(servers.size() - 1).uri();
      run(store, instances, workers, Duration.ofSeconds(5), hostSide, clientSide, false);
      run(store, instances, workers, Duration.ofSeconds(seconds), hostSide, clientSide, true);
    } finally {
      servers.forEach(SignalingServer::close);
      if (redis != null) {
        redis.destroy();
        redis.waitFor();
      }
      if (redisDir != null) {
        try (var files = Files.walk(redisDir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static void run(String store, int instances, int workers, Duration duration, URI hostSide, URI clientSide,
      boolean report) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong errors = new AtomicLong();
    List<long[]> samples = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    int[] counts = new int[workers];
    for (int w = 0; w < workers; w++) {
      long[] mine = new long[2_000_000];
      samples.add(mine);
      int index = w;
      Thread thread = new Thread(() -> {
        HttpClient host = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        while (!stop.get()) {
          try {
            long ns = exchange(host, client, hostSide, clientSide);
            if (counts[index] < mine.length) {
              mine[counts[index]++] = ns;
            }
          } catch (Exception e) {
            errors.incrementAndGet();
          }
        }
      }, "load-" + w);
      threads.add(thread);
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    Thread.sleep(duration.toMillis());
    stop.set(true);
    for (Thread thread : threads) {
      thread.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (!report) {
      return;
    }
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int w = 0; w < workers; w++) {
      System.arraycopy(samples.get(w), 0, all, at, counts[w]);
      at += counts[w];
    }
    Arrays.sort(all);
    System.out.printf("store %s, %d instance(s), %d workers, %.0f s: %d exchanges, %.0f exchanges/s, latency of the "
        + "5 steps p50 %.2f ms, p99 %.2f ms, max %.1f ms; errors %d%n", store, instances, workers, elapsed, total,
        total / elapsed, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6, all[total - 1] / 1e6, errors.get());
  }

  /** One exchange; its latency in ns (the delete after it is not counted). */
  private static long exchange(HttpClient host, HttpClient client, URI hostSide, URI clientSide) throws Exception {
    long start = System.nanoTime();
    JsonNode created = call(host, hostSide, "POST", "v1/sessions", null, "{\"maxClients\": 1}", 201);
    String id = created.get("sessionId").asText();
    String secret = created.get("hostSecret").asText();
    java.util.concurrent.CompletableFuture<JsonNode> poll = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return call(host, hostSide, "GET", "v1/sessions/" + id + "/events?wait=25", secret, null, 200);
      } catch (IOException | InterruptedException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, POLLERS);
    JsonNode joined = call(client, clientSide, "POST", "v1/sessions/" + id + "/joins", null,
        JsonBodies.object().put("clientName", "load").put("offer", OFFER).toString(), 202);
    String joinId = joined.get("joinId").asText();
    JsonNode events = poll.get(30, java.util.concurrent.TimeUnit.SECONDS);
    if (events.get("events").size() != 1) {
      throw new IllegalStateException("the host saw " + events);
    }
    call(host, hostSide, "POST", "v1/sessions/" + id + "/joins/" + joinId + "/approve", secret,
        JsonBodies.object().put("answer", ANSWER).toString(), 200);
    JsonNode status = call(client, clientSide, "GET", "v1/sessions/" + id + "/joins/" + joinId
        + "?since=pending&wait=25", null, null, 200);
    if (!status.get("answer").asText().equals(ANSWER)) {
      throw new IllegalStateException("the client read " + status);
    }
    long ns = System.nanoTime() - start;
    call(host, hostSide, "DELETE", "v1/sessions/" + id, secret, null, 200);
    return ns;
  }

  private static JsonNode call(HttpClient http, URI base, String method, String path, String secret, String body,
      int expected) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (secret != null) {
      request.header("Authorization", "Bearer " + secret);
    }
    HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode json = JsonBodies.tryParse(response.body());
    if (response.statusCode() != expected || json == null) {
      throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " "
          + new String(response.body(), StandardCharsets.UTF_8));
    }
    return json;
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private static void awaitRedis(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        if (socket.isConnected()) {
          return;
        }
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    throw new IOException("redis-server did not start on port " + port);
  }
}

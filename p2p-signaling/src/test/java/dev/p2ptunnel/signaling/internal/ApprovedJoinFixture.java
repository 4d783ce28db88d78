package dev.p2ptunnel.signaling.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.internal.Api.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * The setup of the ICE restart tests ({@link RestartServerTest}, {@link RestartRefusalServerTest}): a server on
 * 127.0.0.1, a session and alice's join to it, approved. {@code RedisStoreTests} runs the subclasses again on Redis
 * by overriding {@link #adapt}. One test's state; not thread-safe.
 */
abstract class ApprovedJoinFixture {
  static final String OFFER = SignalingServerTest.OFFER;
  static final String ANSWER = SignalingServerTest.ANSWER;
  static final String RESTART_OFFER = OFFER + "a=ice-ufrag:new1\r\n";
  static final String RESTART_ANSWER = ANSWER + "a=ice-ufrag:new2\r\n";

  Server server;
  Api api;
  /** The session: its ID and its host secret. */
  String[] s;
  String joinId;
  /** The join's path, {@code /v1/sessions/ID/joins/JOIN}. */
  String join;

  SignalingConfig adapt(SignalingConfig config) {
    return config;
  }

  void startApproved() throws IOException, InterruptedException {
    startApproved(1);
  }

  void startApproved(int maxClients) throws IOException, InterruptedException {
    server = Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        adapt(SignalingConfig.defaults()));
    api = new Api(server.uri());
    s = api.create(maxClients);
    Response joined = api.join(s[0], "alice", OFFER);
    assertEquals(202, joined.status(), joined.toString());
    joinId = joined.body().get("joinId").asText();
    join = "/v1/sessions/" + s[0] + "/joins/" + joinId;
    assertEquals(200, api.post(join + "/approve", s[1], Api.json().put("answer", ANSWER)).status());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** The client posts an ICE restart offer. */
  Response restart(String offer) throws IOException, InterruptedException {
    return api.post(join + "/restart", null, Api.json().put("offer", offer));
  }

  /** Waits until {@code polls} long polls are parked on the server (an event, polled every 5 ms). */
  void awaitParked(int polls) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.load()[1] < polls) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("polls never parked: " + server.load()[1]);
      }
      Thread.sleep(5);
    }
  }
}

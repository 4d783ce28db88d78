package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.p2ptunnel.webrtc.signaling.HttpHostSignaling;
import dev.p2ptunnel.webrtc.signaling.HttpSignaling;
import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.SignalingServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tunnel.host and Tunnel.client meeting through a SignalingServer, over a real DataChannel in the test namespace. */
@Timeout(60)
class HttpSignalingTunnelTest {
  private static final Duration OPEN = Duration.ofSeconds(20);

  private SignalingServer signal;

  @BeforeEach
  void start() throws Exception {
    TestNetns.assumeNamespace();
    signal = SignalingServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        SignalingConfig.defaults());
  }

  @AfterEach
  void stop() {
    if (signal != null) {
      signal.close();
    }
  }

  @Test
  void shouldServeHttpThroughATunnelSetUpByTheSignalingServer() throws Exception {
    HttpServer service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    service.createContext("/", exchange -> {
      byte[] body = ("served " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    service.start();
    try (HttpHostSignaling hostSignaling = HttpHostSignaling.create(signal.uri());
        HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", service.getAddress().getPort())
            .signaling(hostSignaling).webRtc(TestNetns.config()).build());
        ClientTunnel client = Tunnel.client(ClientOptions.builder(0)
            .signaling(new HttpSignaling(signal.uri(), hostSignaling.sessionId())).name("e2e client")
            .webRtc(TestNetns.config()).build())) {
      client.awaitOpen(OPEN);
      host.awaitOpen(OPEN);
      HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.localAddress().getPort() + "/through"))
              .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      assertEquals("served /through", response.body());
    } finally {
      service.stop(0);
    }
  }

  @Test
  void shouldCloseTheClientWithTheHostsReasonWhenRejected() throws Exception {
    try (HttpHostSignaling hostSignaling = HttpHostSignaling.create(signal.uri());
        ClientTunnel client = Tunnel.client(ClientOptions.builder(0)
            .signaling(new HttpSignaling(signal.uri(), hostSignaling.sessionId())).name("stranger")
            .webRtc(TestNetns.config()).build())) {
      JoinRequest request = hostSignaling.nextJoin().get(20, TimeUnit.SECONDS);
      assertEquals("stranger", request.offer().clientName());
      assertTrue(request.offer().offer().sdp().startsWith("v=0"), "a real offer came through");
      request.reject("not on the guest list").get(10, TimeUnit.SECONDS);
      String reason = client.awaitClosed(Duration.ofSeconds(10));
      assertNotNull(reason, "the client closed after the refusal");
      assertEquals("tunnel setup failed: not on the guest list", reason);
      assertEquals(TunnelHandle.State.CLOSED, client.state());
    }
  }

  @Test
  void shouldShowTheSameCodeOnBothSidesAndRefuseWhenTheHostSaysNo() throws Exception {
    java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (java.net.ServerSocket service = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        HttpHostSignaling hostSignaling = HttpHostSignaling.create(signal.uri(), 2);
        HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", service.getLocalPort())
            .signaling(hostSignaling).webRtc(TestNetns.config()).maxClients(2).stayOpen(true)
            .approver(join -> {
              asked.add(join.clientName() + " " + join.shortAuthString());
              return CompletableFuture.completedFuture(join.clientName().equals("alice") ? JoinDecision.approve()
                  : JoinDecision.refuse(JoinDecision.REFUSED));
            }).build())) {
      try (ClientTunnel alice = Tunnel.client(ClientOptions.builder(0)
          .signaling(new HttpSignaling(signal.uri(), hostSignaling.sessionId())).name("alice")
          .webRtc(TestNetns.config()).build())) {
        alice.awaitOpen(OPEN);
        assertEquals(java.util.List.of("alice " + alice.shortAuthString()), asked,
            "the host was shown the code the client shows");
        try (ClientTunnel eve = Tunnel.client(ClientOptions.builder(0)
            .signaling(new HttpSignaling(signal.uri(), hostSignaling.sessionId())).name("eve")
            .webRtc(TestNetns.config()).build())) {
          assertEquals("tunnel setup failed: the host refused", eve.awaitClosed(Duration.ofSeconds(20)));
        }
        assertEquals(2, asked.size());
        assertEquals(TunnelHandle.State.OPEN, alice.state(), "a refusal leaves the approved client alone");
        assertEquals(1, host.clients().size());
      }
    }
  }
}

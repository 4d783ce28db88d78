package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.SignalingServer;
import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.SessionDescription;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * The setup of the ICE restart tests over HTTP ({@link HttpRestartTest}, {@link HttpRestartRefusalTest}): a real
 * signaling server on 127.0.0.1, a host, and alice's join to it, accepted, with stand-in SDP (no WebRTC). One
 * test's state; not thread-safe.
 */
abstract class AcceptedJoinFixture {
  SignalingServer server;
  HttpHostSignaling host;
  HttpSignaling signaling;
  JoinRequest request;
  ClientJoin client;

  /** Starts it all; the client's retries wait through {@code delayer}. */
  void accepted(ServerCalls.Delayer delayer) throws Exception {
    server = SignalingServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        SignalingConfig.defaults());
    URI uri = server.uri();
    host = HttpHostSignaling.create(uri);
    CompletableFuture<JoinRequest> next = host.nextJoin();
    signaling = HttpSignaling.builder(uri, host.sessionId()).delayer(delayer).build();
    client = signaling.join(HttpSignalingTest.plain("alice"));
    request = next.get(10, TimeUnit.SECONDS);
    request.accept(new JoinAnswer(HttpSignalingTest.ANSWER, null)).get(10, TimeUnit.SECONDS);
    client.firstReply().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    if (signaling != null) {
      signaling.close();
    }
    if (host != null) {
      host.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static SessionDescription restartOffer(int n) {
    return new SessionDescription(SessionDescription.Type.OFFER,
        HttpSignalingTest.OFFER.sdp() + "a=ice-ufrag:r" + n + "\r\n");
  }
}

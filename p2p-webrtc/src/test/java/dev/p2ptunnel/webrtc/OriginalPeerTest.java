package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client of ours facing a host without the pairing extension (like the original app: it answers the plain offer
 * at once and opens the channel): no code is shown, and nothing but the bridge protocol reaches the host's channel.
 */
@Timeout(60)
class OriginalPeerTest {
  @Test
  void shouldJoinAHostWithoutThePairingExtensionWithoutACodeAndSendItNoPairingFrame() throws Exception {
    TestNetns.assumeNamespace();
    InMemorySignaling signaling = new InMemorySignaling();
    CompletableFuture<WebRtcSession> original = signaling.nextJoin()
        .thenApplyAsync(request -> WebRtcSession.answer(TestNetns.config(), request));
    CompletableFuture<Boolean> noCode = new CompletableFuture<>();
    try (ClientTunnel client = Tunnel.client(ClientOptions.builder(0).signaling(signaling)
        .webRtc(TestNetns.config()).name("ours").listener(new ClientListener() {
          @Override
          public void onShortAuthString(String code) {
            noCode.complete(false);
          }

          @Override
          public void onNoShortAuthString() {
            noCode.complete(true);
          }
        }).build())) {
      WebRtcSession host = original.get(20, TimeUnit.SECONDS);
      CompletableFuture<Integer> firstEvent = new CompletableFuture<>();
      host.dataChannel(Duration.ofSeconds(20)).start(new MessageChannel.Listener() {
        @Override
        public void onMessage(ByteBuffer message) {
          firstEvent.complete(Frame.event(message));
        }

        @Override
        public void onWritable() {}

        @Override
        public void onClosed(String reason) {}
      });
      client.awaitOpen(Duration.ofSeconds(20));
      assertTrue(noCode.get(5, TimeUnit.SECONDS), "the client says there is no code");
      assertNull(client.shortAuthString());
      assertEquals(Frame.EVENT_HELLO, firstEvent.get(10, TimeUnit.SECONDS),
          "the host's first message is the bridge's HELLO, no pairing frame");
      assertFalse(host.state() == SessionState.CLOSED);
      host.close();
    }
  }
}

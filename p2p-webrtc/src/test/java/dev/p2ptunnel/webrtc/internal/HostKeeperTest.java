package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.webrtc.ClientConnection;
import dev.p2ptunnel.webrtc.HostListener;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What the host's listener hears of one client's trouble (issue 14: one message per event): a loss the host saw, and
 * a rejoin the host had not noticed, whose channel replacement the bridge reports as a loss just before the client is
 * back. No WebRTC: the keeper is fed the bridge's events directly, its notices run at once.
 */
class HostKeeperTest {
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final HostKeeper keeper = keeper();

  @Test
  void shouldSayLostThenBackForALossTheHostSaw() {
    keeper.lost("peer did not answer keepalive within 15000 ms");
    keeper.restored(1, 0);
    assertEquals(List.of("reconnecting: peer did not answer keepalive within 15000 ms", "reconnected"), heard);
  }

  @Test
  void shouldSayOnlyBackWhenARejoinReplacesAChannelTheHostNeverSawFail() {
    keeper.rejoining();
    keeper.lost("the channel was replaced");
    keeper.restored(1, 0);
    assertEquals(List.of("reconnected"), heard);
  }

  @Test
  void shouldSayLostOnceWhenTheClientRejoinsAfterALossTheHostSaw() {
    keeper.lost("peer did not answer keepalive within 15000 ms");
    keeper.rejoining();
    keeper.restored(1, 0);
    assertEquals(List.of("reconnecting: peer did not answer keepalive within 15000 ms", "reconnected"), heard);
  }

  @Test
  void shouldSayTheNextLossAfterARejoinCompleted() {
    keeper.rejoining();
    keeper.lost("the channel was replaced");
    keeper.restored(1, 0);
    keeper.lost("peer did not answer keepalive within 15000 ms");
    assertEquals(List.of("reconnected", "reconnecting: peer did not answer keepalive within 15000 ms"), heard);
  }

  private HostKeeper keeper() {
    Callbacks callbacks = Callbacks.of(Runnable::run, "host");
    HostJoin join = new HostJoin(new Request(), "fingerprint", callbacks);
    TunnelCore core = new TunnelCore("test", c -> {
      throw new UnsupportedOperationException("never started");
    }, (channel, events) -> {
      throw new UnsupportedOperationException("never started");
    }, List.of());
    HostClient client = new HostClient(join, core, callbacks);
    return new HostKeeper(client, new HostListener() {
      @Override
      public void onClientReconnecting(ClientConnection c, String reason) {
        heard.add("reconnecting: " + reason);
      }

      @Override
      public void onClientReconnected(ClientConnection c) {
        heard.add("reconnected");
      }
    }, Runnable::run);
  }

  /** A join that is never answered: the keeper only reads it. */
  private static final class Request implements JoinRequest {
    @Override
    public JoinOffer offer() {
      return new JoinOffer("carol", new SessionDescription(SessionDescription.Type.OFFER, "v=0"), null);
    }

    @Override
    public boolean twoStage() {
      return false;
    }

    @Override
    public CompletableFuture<JoinReveal> challenge(JoinChallenge challenge) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<Void> accept(JoinAnswer answer) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<Void> reject(String reason) {
      return new CompletableFuture<>();
    }
  }
}

package dev.p2ptunnel.bridge.internal;

import static dev.p2ptunnel.bridge.internal.EmbeddedBridgeTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ErrorKind;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The keepalive at hard loss (docs/PROTOCOL.md, "Keepalive"): while the channel's transport confirms the peer (a
 * DataChannel's connection CONNECTED), a silence longer than the keepalive timeout (SCTP backing off its
 * retransmissions) does not lose the connection; a path that goes down still does, as early as before. Embedded
 * engines on a {@link ManualChannel} pair; time moved by the test, nothing sleeps.
 */
class HardLossKeepaliveTest {
  private final World world = new World();
  private final Recorder hostEvents = new Recorder();
  private final Recorder clientEvents = new Recorder();

  @AfterEach
  void tearDown() throws IOException {
    world.close();
  }

  /** An echo tunnel with resuming on; an application has sent {@code data} and the echo started. */
  private World.Tunnel echoing(byte[] data, Endpoint[] app) throws IOException {
    LocalService echo = world.service(LocalService.echo());
    World.Tunnel tunnel = world.tunnel(echo.address(), BridgeConfig.builder().listener(hostEvents).build(),
        BridgeConfig.builder().listener(clientEvents).build(), ManualChannel.pair(), 0);
    app[0] = world.connect(tunnel.address()).write(data);
    world.until(() -> app[0].receivedCount() > 0, "the echo started");
    return tunnel;
  }

  @Test
  void shouldNotLoseTheConnectionThroughALongSilenceWhileThePathIsConfirmed() throws Exception {
    byte[] data = random(2 << 20, 7);
    Endpoint[] app = new Endpoint[1];
    World.Tunnel tunnel = echoing(data, app);
    tunnel.pair().path(true);
    world.step();
    world.deliver = false; // nothing arrives either way, but ICE still hears the peer: SCTP is backing off
    world.advance(Duration.ofMillis(1)); // the engines look at their queues once more: the last sign of life
    for (int second = 0; second < 40; second += 5) {
      world.advance(Duration.ofSeconds(5));
    }
    assertEquals(List.of(), clientEvents.starting("lost"), "40 s of silence on a confirmed path");
    assertEquals(List.of(), hostEvents.starting("lost"));
    world.deliver = true;
    world.until(() -> app[0].receivedCount() == data.length, "the rest of the echo");
    assertArrayEquals(data, app[0].received());
    assertNull(tunnel.client().stats().errors().get(ErrorKind.KEEPALIVE_TIMEOUT));
    assertNull(tunnel.host().stats().errors().get(ErrorKind.KEEPALIVE_TIMEOUT));
  }

  @Test
  void shouldLoseTheConnectionAtTheTimeoutWhenThePathGoesDownInTheOutage() throws Exception {
    byte[] data = random(2 << 20, 8);
    Endpoint[] app = new Endpoint[1];
    World.Tunnel tunnel = echoing(data, app);
    tunnel.pair().path(true);
    world.step();
    world.deliver = false; // a real outage
    world.advance(Duration.ofMillis(1));
    world.advance(Duration.ofMillis(7_500));
    tunnel.pair().path(false); // libwebrtc: DISCONNECTED ~7.5 s into it
    world.step(); // the engines take note now, before time moves on
    world.advance(Duration.ofMillis(7_499));
    assertEquals(List.of(), clientEvents.starting("lost"), "not before the timeout");
    world.advance(Duration.ofMillis(1));
    assertEquals(List.of("lost: peer did not answer keepalive within 15000 ms"), clientEvents.starting("lost"));
    assertEquals(List.of("lost: peer did not answer keepalive within 15000 ms"), hostEvents.starting("lost"));
    tunnel.pair().path(true); // the path is back: SCTP carries on over the same channel
    world.deliver = true;
    world.until(() -> app[0].receivedCount() == data.length, "the rest of the echo");
    assertArrayEquals(data, app[0].received());
    assertEquals(List.of("restored"), clientEvents.starting("restored"));
  }

  @Test
  void shouldLoseTheConnectionAfterFourTimeoutsWithoutAMessageThoughThePathIsConfirmed() throws Exception {
    byte[] data = random(1 << 20, 9);
    Endpoint[] app = new Endpoint[1];
    World.Tunnel tunnel = echoing(data, app);
    tunnel.pair().path(true);
    world.step();
    world.deliver = false; // the peer's transport answers ICE, its bridge sends nothing: stuck
    world.advance(Duration.ofMillis(1));
    for (int second = 0; second < 55; second += 5) {
      world.advance(Duration.ofSeconds(5));
    }
    assertEquals(List.of(), clientEvents.starting("lost"));
    world.advance(Duration.ofSeconds(5));
    assertEquals(List.of("lost: peer sent nothing for 60000 ms though its transport still carried (keepalive)"),
        clientEvents.starting("lost"));
    assertEquals(1L, tunnel.client().stats().errors().get(ErrorKind.KEEPALIVE_TIMEOUT));
  }
}

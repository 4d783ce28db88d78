package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcConfig.IceServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a description may go before gathering completes: a UDP candidate of every kind the configuration gives. */
class GatheringGoalTest {
  private static final String HOST = "candidate:1 1 udp 2122260223 10.0.0.2 40000 typ host generation 0";
  private static final String HOST_TCP = "candidate:2 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active";
  private static final String SRFLX = "candidate:3 1 udp 1686052607 203.0.113.5 40000 typ srflx raddr 10.0.0.2 "
      + "rport 40000";
  private static final String RELAY = "candidate:4 1 udp 41885439 203.0.113.9 50000 typ relay raddr 203.0.113.5 "
      + "rport 40000";
  private static final String RELAY_OVER_TCP = "candidate:5 1 udp 25108223 203.0.113.9 50002 typ relay raddr "
      + "203.0.113.5 rport 40001";

  private static WebRtcConfig config(boolean relayOnly, IceServer... servers) {
    return WebRtcConfig.builder().iceServers(List.of(servers)).relayOnly(relayOnly).build();
  }

  @Test
  void withoutServersTheFirstUdpHostCandidateIsEnough() {
    GatheringGoal goal = new GatheringGoal(config(false));
    assertFalse(goal.reachedWith(HOST_TCP), "a TCP host candidate alone is not a UDP path");
    assertTrue(goal.reachedWith(HOST));
    assertFalse(goal.reachedWith(HOST), "reached once");
  }

  @Test
  void withStunItWaitsForTheReflexiveCandidate() {
    GatheringGoal goal = new GatheringGoal(config(false, IceServer.stun("stun:203.0.113.1:3478")));
    assertFalse(goal.reachedWith(HOST));
    assertFalse(goal.reachedWith(HOST_TCP));
    assertTrue(goal.reachedWith(SRFLX));
  }

  @Test
  void withTurnItWaitsForARelayCandidateToo() {
    GatheringGoal goal = new GatheringGoal(config(false, IceServer.stun("stun:203.0.113.1:3478"),
        IceServer.turn("turn:203.0.113.9:3478?transport=tcp", "u", "p")));
    assertFalse(goal.reachedWith(SRFLX));
    assertFalse(goal.reachedWith(HOST));
    assertTrue(goal.reachedWith(RELAY_OVER_TCP));
  }

  @Test
  void relayOnlyWaitsForTheRelayCandidateAlone() {
    GatheringGoal goal = new GatheringGoal(config(true, IceServer.turn("turn:203.0.113.9:3478", "u", "p")));
    assertTrue(goal.reachedWith(RELAY));
  }

  @Test
  void relayOnlyWithoutTurnNeverReachesItAndWaitsForComplete() {
    GatheringGoal goal = new GatheringGoal(config(true));
    assertFalse(goal.reachedWith(HOST));
    assertFalse(goal.reachedWith(SRFLX));
    assertFalse(goal.reachedWith(RELAY), "nothing is wanted: COMPLETE or the timeout decides");
  }

  @Test
  void switchedOffItIsNeverReached() {
    GatheringGoal goal = new GatheringGoal(config(false), false);
    assertFalse(goal.reachedWith(HOST), "-Dp2p.ice.gathering=complete: COMPLETE decides, as before");
  }

  @Test
  void malformedLinesCountForNothing() {
    GatheringGoal goal = new GatheringGoal(config(false));
    assertFalse(goal.reachedWith(""));
    assertFalse(goal.reachedWith("candidate:1 1 udp 1 10.0.0.2 40000 typ"));
    assertTrue(goal.reachedWith(HOST));
  }
}

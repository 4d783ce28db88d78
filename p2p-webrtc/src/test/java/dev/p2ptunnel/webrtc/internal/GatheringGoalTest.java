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

  private static final String HOST_2 = "candidate:6 1 udp 2122194687 192.168.7.4 40002 typ host generation 0";
  private static final String SRFLX_2 = "candidate:7 1 udp 1685987071 203.0.113.5 40002 typ srflx raddr "
      + "192.168.7.4 rport 40002";
  private static final String HOST_V6 = "candidate:8 1 udp 2122262783 2001:db8::2 40004 typ host generation 0";
  private static final String SRFLX_HIDDEN = "candidate:9 1 udp 1686052607 203.0.113.5 40000 typ srflx raddr "
      + "0.0.0.0 rport 0";

  @Test
  void oneNetworkWithItsReflexiveCandidateGoesWithoutTheSettle() {
    GatheringGoal goal = new GatheringGoal(config(false, IceServer.stun("stun:203.0.113.1:3478")));
    goal.reachedWith(HOST);
    assertFalse(goal.nothingMoreExpected(), "the goal is not reached yet");
    assertTrue(goal.reachedWith(SRFLX));
    assertTrue(goal.nothingMoreExpected(), "the only host candidate has its reflexive one");
  }

  @Test
  void aSecondNetworkWithoutItsReflexiveCandidateYetSettles() {
    GatheringGoal goal = new GatheringGoal(config(false, IceServer.stun("stun:203.0.113.1:3478")));
    goal.reachedWith(HOST);
    goal.reachedWith(HOST_2);
    assertTrue(goal.reachedWith(SRFLX));
    assertFalse(goal.nothingMoreExpected(), "192.168.7.4's STUN answer may still come");
    assertFalse(goal.reachedWith(SRFLX_2), "reached once");
    assertTrue(goal.nothingMoreExpected(), "now both networks have theirs");
  }

  @Test
  void aFamilyWithoutAnyReflexiveCandidateWaitsForNothing() {
    GatheringGoal goal = new GatheringGoal(config(false, IceServer.stun("stun:203.0.113.1:3478")));
    goal.reachedWith(HOST_V6);
    goal.reachedWith(HOST);
    assertTrue(goal.reachedWith(SRFLX));
    assertTrue(goal.nothingMoreExpected(), "IPv6 without NAT gives no reflexive candidate");
  }

  @Test
  void aHiddenBaseAddressSettlesAsBefore() {
    GatheringGoal goal = new GatheringGoal(config(false, IceServer.stun("stun:203.0.113.1:3478")));
    goal.reachedWith(HOST);
    assertTrue(goal.reachedWith(SRFLX_HIDDEN));
    assertFalse(goal.nothingMoreExpected(), "10.0.0.2 is not named as a base: its own answer may still come");
  }

  @Test
  void withoutStunOrWithTurnTheSettleStays() {
    GatheringGoal noStun = new GatheringGoal(config(false));
    assertTrue(noStun.reachedWith(HOST));
    assertFalse(noStun.nothingMoreExpected(), "host candidates of other networks: nothing marks their end");
    GatheringGoal turn = new GatheringGoal(config(false, IceServer.stun("stun:203.0.113.1:3478"),
        IceServer.turn("turn:203.0.113.9:3478", "u", "p")));
    turn.reachedWith(HOST);
    turn.reachedWith(SRFLX);
    assertTrue(turn.reachedWith(RELAY));
    assertFalse(turn.nothingMoreExpected(), "relay candidates of other networks may still come");
    GatheringGoal off = new GatheringGoal(config(false, IceServer.stun("stun:203.0.113.1:3478")), false);
    off.reachedWith(HOST);
    off.reachedWith(SRFLX);
    assertFalse(off.nothingMoreExpected(), "-Dp2p.ice.gathering=complete: COMPLETE decides, as before");
  }
}

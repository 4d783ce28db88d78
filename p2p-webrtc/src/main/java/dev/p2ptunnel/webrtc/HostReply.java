package dev.p2ptunnel.webrtc;

/** The host's first reply to a join ({@link ClientJoin#firstReply()}): a challenge, or straight the answer. */
public sealed interface HostReply permits JoinChallenge, JoinAnswer {}

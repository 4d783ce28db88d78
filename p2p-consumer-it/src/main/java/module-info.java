/**
 * A user's application as it embeds p2p-tunnel: one {@code requires}, nothing else (no {@code --add-modules}, no
 * {@code --add-opens}, no jspecify).
 */
module dev.p2ptunnel.consumer {
  requires dev.p2ptunnel.webrtc;
}

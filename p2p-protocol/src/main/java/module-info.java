/**
 * The p2p-tunnel wire protocol: frame codec, chunker, reassembler and id allocation.
 *
 * <p>Pure computation over {@link java.nio.ByteBuffer}s: no threads, no I/O.
 */
module dev.p2ptunnel.protocol {
  // Nullness annotations for our compiler only: not transitive, so users' modules compile without jspecify.
  requires static org.jspecify;

  exports dev.p2ptunnel.protocol;
}

/**
 * The end-to-end benchmark harness (issue 8): tunnel vs raw DataChannel vs what TCP can do, in the network lab of
 * {@code scripts/netlab.sh}; run by {@code scripts/bench-e2e.sh}. Results in docs/PERFORMANCE.md.
 */
@NullMarked
package dev.p2ptunnel.benchmarks.e2e;

import org.jspecify.annotations.NullMarked;

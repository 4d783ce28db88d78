/**
 * Tests of the shaded jar in the network lab of docs/NETLAB.md ({@code scripts/netlab.sh}): NAT traversal,
 * relaying, loss, a dying peer and setup time, with every party in its own JVM inside a lab namespace. They need
 * root, iproute2 and coturn, and skip (saying why) without them.
 */
@NullMarked
package dev.p2ptunnel.demo.lab;

import org.jspecify.annotations.NullMarked;

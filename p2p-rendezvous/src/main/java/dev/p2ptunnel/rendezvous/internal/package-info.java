/**
 * Implementation of rendezvous: key schedule ({@link dev.p2ptunnel.rendezvous.internal.Hkdf},
 * {@link dev.p2ptunnel.rendezvous.internal.SessionSecrets}), the wire format
 * ({@link dev.p2ptunnel.rendezvous.internal.Envelope}, {@link dev.p2ptunnel.rendezvous.internal.Body}), broker
 * connections ({@link dev.p2ptunnel.rendezvous.internal.BrokerLink}) and the two sides' state machines. Not exported.
 */
@NullMarked
package dev.p2ptunnel.rendezvous.internal;

import org.jspecify.annotations.NullMarked;

/**
 * Rendezvous signaling: {@link dev.p2ptunnel.rendezvous.MqttHostSignaling} (the host: a Session ID and the brokers it
 * listens on) and {@link dev.p2ptunnel.rendezvous.MqttSignaling} (the client: the Session ID the host read out),
 * configured by {@link dev.p2ptunnel.rendezvous.RendezvousConfig}; Session IDs in
 * {@link dev.p2ptunnel.rendezvous.RendezvousId}. Every message is encrypted and authenticated with keys derived from
 * the Session ID and, per join, from an X25519 exchange; docs/SIGNALING.md ("Rendezvous") gives the format, the key
 * schedule and what a broker learns.
 */
@NullMarked
package dev.p2ptunnel.rendezvous;

import org.jspecify.annotations.NullMarked;

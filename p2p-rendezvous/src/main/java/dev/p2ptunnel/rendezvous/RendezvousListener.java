package dev.p2ptunnel.rendezvous;

/**
 * What a rendezvous signaling reports about its brokers and about messages it refused. Every method runs on the
 * signaling's own thread (one per {@link MqttSignaling} or {@link MqttHostSignaling}), never two at once for one
 * signaling; implementations must return quickly and must not block. Defaults do nothing.
 */
public interface RendezvousListener {
  /** A listener that ignores everything. */
  RendezvousListener NONE = new RendezvousListener() {};

  /**
   * Connected to {@code broker} ({@code mqtts://host:port}, never a password) and subscribed: messages flow through
   * it from now on.
   */
  default void onBrokerConnected(String broker) {}

  /**
   * Lost, or could not make, the connection to {@code broker}, saying why; it is retried with growing pauses (up to
   * 30 s) until the signaling closes.
   */
  default void onBrokerDisconnected(String broker, String reason) {}

  /**
   * A message was refused and changed nothing: it did not authenticate (damaged, forged, or sealed under another
   * Session ID), was replayed, came from outside the time window, or did not fit the step of its join.
   */
  default void onDiscarded(String reason) {}
}

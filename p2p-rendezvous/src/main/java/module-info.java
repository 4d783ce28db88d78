/**
 * Signaling with no server of ours: the join exchange of {@code dev.p2ptunnel.webrtc}, end-to-end encrypted, over
 * public (or self-hosted) MQTT brokers, found through the Session ID ({@link dev.p2ptunnel.rendezvous.MqttSignaling},
 * {@link dev.p2ptunnel.rendezvous.MqttHostSignaling}).
 */
@SuppressWarnings("requires-automatic") // com.hivemq.client.mqtt has only an Automatic-Module-Name (p2p-rendezvous/pom.xml)
module dev.p2ptunnel.rendezvous {
  requires transitive dev.p2ptunnel.webrtc;
  // The MQTT client; none of its types is in our API, so it is not `transitive`.
  requires com.hivemq.client.mqtt;
  // HiveMQ uses JCTools' queues at run time; JCTools is an explicit module, which the JVM resolves on the module path
  // only when a module requires it, and HiveMQ (automatic) cannot. Without this: NoClassDefFoundError on connect.
  requires org.jctools.core;
  // Netty 4.2's jars are explicit modules too (io.netty.handler requires the codec, transport, buffer, resolver and
  // common modules HiveMQ uses): the same reason, the same cure.
  requires io.netty.handler;
  requires static org.jspecify;

  exports dev.p2ptunnel.rendezvous;
}

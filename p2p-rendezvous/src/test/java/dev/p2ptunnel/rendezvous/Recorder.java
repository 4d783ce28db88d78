package dev.p2ptunnel.rendezvous;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What a curious broker (or anyone subscribed to {@code #}) sees: every message on a broker, recorded in order; it
 * can also publish, to inject copies and forgeries. Thread-safe.
 */
final class Recorder implements AutoCloseable {
  /** One message as the broker relayed it. */
  record Seen(String topic, byte[] payload) {}

  private final Mqtt5AsyncClient client;
  private final List<Seen> seen = new ArrayList<>();

  private Recorder(Mqtt5AsyncClient client) {
    this.client = client;
  }

  /** Connects to {@code broker} (plain MQTT on loopback) and subscribes to {@code #}. */
  static Recorder on(URI broker) throws Exception {
    Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier("recorder-" + System.nanoTime())
        .serverHost(broker.getHost()).serverPort(broker.getPort()).buildAsync();
    Recorder recorder = new Recorder(client);
    client.publishes(MqttGlobalPublishFilter.ALL, publish -> recorder.add(new Seen(publish.getTopic().toString(),
        publish.getPayloadAsBytes())));
    client.connect().get(10, TimeUnit.SECONDS);
    client.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
    return recorder;
  }

  private synchronized void add(Seen message) {
    seen.add(message);
    notifyAll();
  }

  synchronized List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** Waits (up to 30 s) until at least {@code count} recorded messages match. */
  synchronized List<Seen> await(Predicate<Seen> match, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<Seen> found = seen.stream().filter(match).toList();
      if (found.size() >= count) {
        return found;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("recorded " + found.size() + " matching messages of " + seen.size()
            + " within 30 s (expected: " + count + ")");
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Publishes {@code payload} to {@code topic} as any client of the broker could. */
  void inject(String topic, byte[] payload) throws Exception {
    client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send().get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    client.disconnect().handle((ok, error) -> null);
  }
}

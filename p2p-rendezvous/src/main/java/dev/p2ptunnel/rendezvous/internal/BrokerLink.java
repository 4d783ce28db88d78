package dev.p2ptunnel.rendezvous.internal;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * One connection to one MQTT broker (HiveMQ MQTT Client, MQTT 5): connects, subscribes to one topic on every
 * connection, reconnects with growing pauses (1 s doubling to 30 s) until closed, publishes with QoS 1, and hands
 * every received message to the owning signaling's loop thread. The client asks brokers never to send it a packet over
 * 256 KiB (our messages are below 80 KiB), starts every connection clean, and publishes messages that expire after
 * 2 min, so that a broker keeps nothing of ours for long. Thread-safe: HiveMQ's callbacks only hop to the loop; the
 * loop owns the state below.
 */
public final class BrokerLink {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.rendezvous");
  static final int MAX_PACKET_BYTES = 256 * 1024;
  static final long MESSAGE_EXPIRY_S = 120;
  static final int KEEP_ALIVE_S = 30;
  static final long MAX_RETRY_MS = 30_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a link reports, on the loop thread. */
  public interface Events {
    /** Connected and subscribed. */
    void onUp(BrokerLink link);

    /** The connection failed or was lost (or the subscription was refused); retried unless closed. */
    void onDown(BrokerLink link, String reason);

    /** A message arrived on the subscribed topic. */
    void onMessage(BrokerLink link, byte[] payload);
  }

  private final BrokerAddress address;
  private final Executor loop;
  private final Events events;
  private final Mqtt5AsyncClient client;
  private final @Nullable String refused;
  private volatile boolean closing;
  // Owned by the loop thread:
  private @Nullable String topic;
  private boolean connected;
  private boolean up;
  private int failures;
  private @Nullable String lastError;

  /**
   * @param netty runs HiveMQ's Netty event loop (one daemon thread for all links of a signaling)
   * @param loop the owning signaling's thread: every event and message arrives there
   */
  public BrokerLink(BrokerAddress address, @Nullable TrustManagerFactory trust, Duration connectTimeout, Executor netty,
      Executor loop, Events events) {
    this.address = address;
    // HiveMQ (through RxJava) reports a refused task as an undeliverable error: after close, drop such tasks.
    this.loop = task -> {
      try {
        loop.execute(task);
      } catch (RejectedExecutionException e) {
        // the signaling has closed
      }
    };
    this.events = events;
    this.refused = PublicBrokerGuard.refuse(address);
    long timeoutMs = connectTimeout.toMillis();
    var transport = MqttClient.builder().useMqttVersion5().identifier(randomIdentifier())
        .executorConfig().nettyExecutor(netty).nettyThreads(1).applyExecutorConfig()
        .transportConfig().serverHost(address.host()).serverPort(address.port())
        .socketConnectTimeout(timeoutMs, TimeUnit.MILLISECONDS).mqttConnectTimeout(timeoutMs, TimeUnit.MILLISECONDS);
    if (address.tls()) {
      // Host name verification stays on: HiveMQ sets the HTTPS endpoint identification unless given a verifier.
      var ssl = transport.sslConfig().handshakeTimeout(timeoutMs, TimeUnit.MILLISECONDS);
      if (trust != null) {
        ssl = ssl.trustManagerFactory(trust);
      }
      transport = ssl.applySslConfig();
    }
    Mqtt5ClientBuilder builder = transport.applyTransportConfig()
        .addConnectedListener(context -> hop(this::connected))
        .addDisconnectedListener(this::disconnected);
    String user = address.user();
    if (user != null) {
      String password = address.password();
      builder = password == null ? builder.simpleAuth().username(user).applySimpleAuth()
          : builder.simpleAuth().username(user).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
    }
    this.client = builder.buildAsync();
  }

  public BrokerAddress address() {
    return address;
  }

  /** Starts connecting (and reconnecting). */
  public void start() {
    if (refused != null) {
      hop(() -> down(refused));
      return;
    }
    client.connectWith().cleanStart(true).sessionExpiryInterval(0).keepAlive(KEEP_ALIVE_S)
        .restrictions().maximumPacketSize(MAX_PACKET_BYTES).applyRestrictions()
        .send().whenComplete((ack, error) -> {
          // the outcome is reported through the connected and disconnected listeners
        });
  }

  /**
   * Subscribes to {@code value} now if connected, and on every connection from now on (loop thread). The topic comes
   * from the key schedule, so connecting overlaps the key stretching.
   */
  public void subscribeTo(String value) {
    topic = value;
    if (connected) {
      subscribe();
    }
  }

  /** Whether connected and subscribed (loop thread). */
  public boolean up() {
    return up;
  }

  /** How many connection attempts failed since the last success (loop thread). */
  public int failures() {
    return failures;
  }

  /** The last connection error, or null (loop thread). */
  public @Nullable String lastError() {
    return lastError;
  }

  /** Publishes with QoS 1; completes on the loop thread once the broker acknowledged it. */
  public CompletableFuture<Void> publish(String publishTopic, byte[] payload) {
    return client.publishWith().topic(publishTopic).qos(MqttQos.AT_LEAST_ONCE).payload(payload)
        .messageExpiryInterval(MESSAGE_EXPIRY_S).send()
        .thenApplyAsync(result -> {
          result.getError().ifPresent(error -> {
            throw new IllegalStateException(address.display() + " refused the message: " + describe(error));
          });
          return (Void) null;
        }, loop);
  }

  /** Stops reconnecting and disconnects; completes (on any thread) when disconnected. Idempotent. */
  public CompletableFuture<Void> close() {
    closing = true;
    return client.disconnect().handle((ok, error) -> null);
  }

  private void connected() {
    if (closing) {
      client.disconnect().handle((ok, error) -> null); // a reconnect that was under way when close() ran
      return;
    }
    connected = true;
    if (topic != null) {
      subscribe();
    }
  }

  private void subscribe() {
    String filter = topic;
    if (filter == null) {
      return;
    }
    // A callback per subscription, made on every connection: HiveMQ ends the flows of a session (global ones too)
    // when the session ends, which a clean start after a reconnect does.
    client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).noLocal(true).callback(this::received)
        .executor(loop).send()
        .whenCompleteAsync((ack, error) -> {
          if (closing) {
            return;
          }
          if (error != null) {
            down("the broker refused the subscription: " + describe(error));
            return;
          }
          up = true;
          failures = 0;
          lastError = null;
          events.onUp(this);
        }, loop);
  }

  /** On a HiveMQ thread: decides on reconnecting at once (the reconnector must be set here), then hops. */
  private void disconnected(MqttClientDisconnectedContext context) {
    if (closing) {
      context.getReconnector().reconnect(false);
      return;
    }
    int attempts = context.getReconnector().getAttempts();
    long delayMs = Math.min(MAX_RETRY_MS, 1_000L << Math.min(attempts, 5));
    delayMs += RANDOM.nextInt((int) (delayMs / 4) + 1); // spread reconnects of many peers after a broker restart
    context.getReconnector().reconnect(true).resubscribeIfSessionExpired(false).republishIfSessionExpired(false)
        .delay(delayMs, TimeUnit.MILLISECONDS);
    String reason = describe(context.getCause());
    hop(() -> down(reason));
  }

  private void down(String reason) {
    boolean wasUp = up;
    connected = false;
    up = false;
    failures++;
    lastError = reason;
    LOG.log(wasUp ? Level.INFO : Level.DEBUG, () -> "rendezvous broker " + address.display() + ": " + reason);
    events.onDown(this, reason);
  }

  private void received(Mqtt5Publish publish) {
    if (closing || topic == null || !publish.getTopic().toString().equals(topic)) {
      return;
    }
    events.onMessage(this, publish.getPayloadAsBytes());
  }

  private void hop(Runnable task) {
    loop.execute(task); // drops the task once the signaling closed
  }

  /** A connection error in words: the innermost cause's message, marked when it is TLS. */
  static String describe(Throwable error) {
    Throwable root = error;
    boolean tls = error instanceof SSLException;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      tls |= root instanceof SSLException;
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    if (root instanceof java.net.UnknownHostException) {
      message = "unknown host " + message;
    }
    return tls ? "TLS: " + message : message;
  }

  private static String randomIdentifier() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder id = new StringBuilder(20);
    for (int i = 0; i < 20; i++) {
      id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return id.toString(); // says nothing about the user or the app
  }

  @Override
  public String toString() {
    return "BrokerLink[" + address.display() + "]";
  }
}

package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.webrtc.signaling.HttpSignaling;
import dev.p2ptunnel.webrtc.signaling.RetryPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Constructing the public types starts no thread and changes nothing JVM-wide: an embedding app pays for threads
 * only once it starts a tunnel or makes a call. Runs in a JVM of its own (the build forks one per test class).
 */
class NoThreadsTest {
  private static final URI SERVER = URI.create("http://127.0.0.1:9/");
  private static final String SESSION = "0000-0000-0000-0000-0000-0000-0000";

  @Test
  void shouldStartNoThreadWhenThePublicTypesAreConstructed() throws Exception {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    java.util.Map<Object, Object> properties = new java.util.HashMap<>(System.getProperties());

    InMemorySignaling inMemory = new InMemorySignaling();
    HttpSignaling http = new HttpSignaling(SERVER, SESSION);
    HttpSignaling built = HttpSignaling.builder(SERVER, SESSION).retryPolicy(RetryPolicy.defaults()).build();
    WebRtcConfig config = WebRtcConfig.builder().iceServers(List.of()).build();
    HostOptions host = HostOptions.builder("127.0.0.1", 25565).signaling(inMemory).webRtc(config).build();
    ClientOptions client = ClientOptions.builder(0).signaling(http).webRtc(config).build();
    Identity identity = Identity.generate();

    Set<Thread> after = new HashSet<>(Thread.getAllStackTraces().keySet());
    after.removeAll(before);
    assertEquals(Set.of(), after.stream().map(Thread::getName).collect(Collectors.toSet()),
        "threads started while constructing " + List.of(inMemory, http, built, host, client, identity));
    java.util.Map<Object, Object> now = new java.util.HashMap<>(System.getProperties());
    Set<Object> changed = new java.util.TreeSet<>();
    for (Object key : now.keySet()) {
      // user.timezone: the JDK fills it in itself on the first TimeZone.getDefault() (the certificate's dates)
      if (!now.get(key).equals(properties.get(key)) && !key.equals("user.timezone")) {
        changed.add(key + "=" + now.get(key));
      }
    }
    properties.keySet().stream().filter(key -> !now.containsKey(key)).forEach(key -> changed.add(key + " removed"));
    assertEquals(Set.of(), changed, "system properties changed");
    http.close();
    built.close();
    inMemory.close();
    assertEquals(HttpClient.Version.HTTP_1_1, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .version(), "sanity: the JDK's own client is still usable");
  }
}

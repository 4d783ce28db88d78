package dev.p2ptunnel.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Services, mappings and the host's registry: what users type and what is refused, and how. */
class ServiceTest {

  @Test
  void shouldParseSharesWithLoopbackAndTcpAsDefaults() {
    assertEquals(Service.tcp("web", 8080), Service.parse("web=8080"));
    assertEquals(Service.udp("voice", 24454), Service.parse("voice=24454/udp"));
    assertEquals(Service.tcp("nas", "192.168.1.20", 445), Service.parse("nas=192.168.1.20:445/TCP"));
    assertEquals(Service.tcp("v6", "::1", 8080), Service.parse("v6=[::1]:8080/tcp"));
    assertEquals("nas=192.168.1.20:445/tcp", Service.parse("nas=192.168.1.20:445").toString());
    assertEquals("v6=[::1]:8080/udp", Service.parse("v6=[::1]:8080/udp").toString());
  }

  @Test
  void shouldRefuseBadSharesSayingWhatIsWrong() {
    assertEquals("\"8080\": no NAME= before the port (expected: NAME=[HOST:]PORT[/tcp|/udp])", bad("8080"));
    assertEquals("\"web=80/sctp\": unknown protocol \"sctp\" (expected: tcp or udp)", bad("web=80/sctp"));
    assertEquals("\"web=eighty\": port \"eighty\" is not a number (expected: 1..65535)", bad("web=eighty"));
    assertEquals("\"web=0\": port: 0 (expected: 1..65535)", bad("web=0"));
    assertEquals("\"web=::1:80\": an IPv6 address needs the form [ADDRESS]:PORT", bad("web=::1:80"));
    assertEquals("\"my web=80\": service name \"my web\" has ' ' at index 2 (expected: 1..64 of A-Z a-z 0-9 . _ -,"
        + " starting with a letter or digit)", bad("my web=80"));
    assertEquals("\"web=:80\": host: \"\" (expected: an address or host name)", bad("web=:80"));
  }

  @Test
  void shouldParseMappingsWithLoopbackAsTheDefaultBind() throws Exception {
    Mapping web = Mapping.parse("8080=web");
    assertEquals("web", web.service());
    assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080).getPort(), web.bind().getPort());
    assertEquals("127.0.0.1", web.bind().getHostString());
    assertEquals("0.0.0.0", Mapping.parse("0.0.0.0:25565=game").bind().getHostString());
    assertEquals(InetAddress.getByName("::1"), Mapping.parse("[::1]:5353=dns").bind().getAddress());
    assertEquals(0, Mapping.parse("0=web").bind().getPort());
    assertFalse(web.nextFreePort());
    assertTrue(web.orNextFreePort().nextFreePort());
    assertNull(Mapping.toDefault(web.bind()).service());
  }

  @Test
  void shouldRefuseBadMappings() {
    assertEquals("\"web\": expected [BIND:]PORT=NAME",
        assertThrows(IllegalArgumentException.class, () -> Mapping.parse("web")).getMessage());
    assertEquals("\"http=web\": port \"http\" is not a number (expected: 0..65535)",
        assertThrows(IllegalArgumentException.class, () -> Mapping.parse("http=web")).getMessage());
    assertEquals("\"70000=web\": port: 70000 (expected: 0..65535)",
        assertThrows(IllegalArgumentException.class, () -> Mapping.parse("70000=web")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Mapping.parse("80=we b")).getMessage()
        .startsWith("\"80=we b\": service name \"we b\" has ' ' at index 2"));
  }

  @Test
  void shouldNumberServicesAndMakeTheFirstTcpOneTheDefault() {
    HostServices services = HostServices.of(Service.udp("dns", 5353), Service.tcp("web", 8080),
        Service.tcp("ssh", 22));
    HostServices.Snapshot now = services.snapshot();
    assertEquals(List.of(new SharedService(0, "dns", Service.Protocol.UDP, 5353, false),
        new SharedService(1, "web", Service.Protocol.TCP, 8080, true),
        new SharedService(2, "ssh", Service.Protocol.TCP, 22, false)), now.shared());
    assertEquals(1, now.defaultService().id());
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), now.target(1));
    assertNull(now.service(3));
  }

  @Test
  void shouldNeverReuseAnIdAndMoveTheDefaultWhenItsServiceGoes() {
    HostServices services = HostServices.of(Service.tcp("web", 8080), Service.tcp("ssh", 22));
    List<Long> changes = new ArrayList<>();
    services.onChange(() -> changes.add(services.snapshot().version()));
    assertTrue(services.unshare("web"));
    assertFalse(services.unshare("web"));
    services.share(Service.tcp("web", 8081));
    HostServices.Snapshot now = services.snapshot();
    assertEquals(List.of(new SharedService(1, "ssh", Service.Protocol.TCP, 22, true),
        new SharedService(2, "web", Service.Protocol.TCP, 8081, false)), now.shared());
    assertEquals(List.of(3L, 4L), changes, "one call per change");
  }

  @Test
  void shouldRefuseADuplicateNameAndAnUnresolvableHost() {
    HostServices services = HostServices.of(Service.tcp("web", 8080));
    assertEquals("service name: 'web' is shared already (as web=127.0.0.1:8080/tcp; expected: a name not in use)",
        assertThrows(IllegalArgumentException.class, () -> services.share(Service.udp("web", 8080))).getMessage());
    assertEquals("service 'nas': cannot resolve host nas.invalid", assertThrows(IllegalArgumentException.class,
        () -> services.share(Service.tcp("nas", "nas.invalid", 445))).getMessage());
    assertEquals(1, services.list().size());
  }

  private static String bad(String spec) {
    return assertThrows(IllegalArgumentException.class, () -> Service.parse(spec)).getMessage();
  }
}

package dev.p2ptunnel.bridge;

import dev.p2ptunnel.protocol.ServiceMessages;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * One service a host shares: a name clients map ports to, and the one address the host connects to for it. Nothing
 * else on the host's machine or network is reachable: a client names services, never addresses. The target is
 * {@code 127.0.0.1} unless a host is given explicitly, so a LAN machine is shared only when the host names it.
 * Immutable and thread-safe.
 *
 * @param name what clients map ports to: 1 to 64 of {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit
 * @param protocol TCP connections or UDP datagrams
 * @param host the target's address or host name ({@code 127.0.0.1}, {@code ::1}, {@code 192.168.1.20},
 *     {@code nas.local}), resolved when the bridge dials
 * @param port the target's port, 1..65535; also the port a client maps the service to by default
 */
public record Service(String name, Protocol protocol, String host, int port) {
  /** The loopback address a service targets unless a host is named. */
  public static final String LOOPBACK = "127.0.0.1";
  /** The name of the service {@code HostBridge.start(channel, target, config)} and one-port shorthands share. */
  public static final String DEFAULT_NAME = "default";

  /** The transport protocol of a service. Immutable and thread-safe. */
  public enum Protocol {
    /** TCP connections, carried over the ordered, reliable channel. */
    TCP,
    /** UDP datagrams, carried over the unordered, unreliable datagram channel. */
    UDP;

    /** {@code "tcp"} or {@code "udp"}, as written after a port. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the field, the value and what is expected
   */
  public Service {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(host, "host");
    String problem = ServiceMessages.nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException("service name " + problem);
    }
    if (host.isBlank()) {
      throw new IllegalArgumentException("host: \"" + host + "\" (expected: an address or host name)");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  /** A TCP service on this machine's loopback address. */
  public static Service tcp(String name, int port) {
    return new Service(name, Protocol.TCP, LOOPBACK, port);
  }

  /** A TCP service at {@code host}, which may be another machine: shared only because it is named here. */
  public static Service tcp(String name, String host, int port) {
    return new Service(name, Protocol.TCP, host, port);
  }

  /** A UDP service on this machine's loopback address. */
  public static Service udp(String name, int port) {
    return new Service(name, Protocol.UDP, LOOPBACK, port);
  }

  /** A UDP service at {@code host}. */
  public static Service udp(String name, String host, int port) {
    return new Service(name, Protocol.UDP, host, port);
  }

  /**
   * Parses {@code NAME=[HOST:]PORT[/tcp|/udp]}: {@code web=8080}, {@code voice=24454/udp},
   * {@code nas=192.168.1.20:445}, {@code v6=[::1]:8080/tcp}. HOST defaults to {@value #LOOPBACK}, the protocol to TCP.
   *
   * @throws IllegalArgumentException saying what part is wrong, e.g. {@code "web=80/sctp": unknown protocol "sctp"
   *     (expected: tcp or udp)}
   */
  public static Service parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw bad(spec, "no NAME= before the port (expected: NAME=[HOST:]PORT[/tcp|/udp])");
    }
    String name = spec.substring(0, eq);
    String rest = spec.substring(eq + 1);
    Protocol protocol = Protocol.TCP;
    int slash = rest.lastIndexOf('/');
    if (slash >= 0) {
      String label = rest.substring(slash + 1);
      protocol = switch (label.toLowerCase(Locale.ROOT)) {
        case "tcp" -> Protocol.TCP;
        case "udp" -> Protocol.UDP;
        default -> throw bad(spec, "unknown protocol \"" + label + "\" (expected: tcp or udp)");
      };
      rest = rest.substring(0, slash);
    }
    String host = LOOPBACK;
    String portText = rest;
    if (rest.startsWith("[")) {
      int close = rest.indexOf("]:");
      if (close < 0) {
        throw bad(spec, "an IPv6 address needs the form [ADDRESS]:PORT");
      }
      host = rest.substring(1, close);
      portText = rest.substring(close + 2);
    } else {
      int colon = rest.lastIndexOf(':');
      if (colon >= 0) {
        host = rest.substring(0, colon);
        portText = rest.substring(colon + 1);
        if (host.contains(":")) {
          throw bad(spec, "an IPv6 address needs the form [ADDRESS]:PORT");
        }
      }
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw bad(spec, "port \"" + portText + "\" is not a number (expected: 1..65535)");
    }
    try {
      return new Service(name, protocol, host, port);
    } catch (IllegalArgumentException e) {
      throw bad(spec, e.getMessage());
    }
  }

  /**
   * The target, resolved now (may block on DNS for a host name).
   *
   * @throws UnknownHostException naming the service and its host
   */
  public InetSocketAddress resolve() throws UnknownHostException {
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new UnknownHostException("service '" + name + "': cannot resolve host " + host);
    }
  }

  /** {@code NAME=HOST:PORT/proto}, the form {@link #parse} reads. */
  @Override
  public String toString() {
    String address = host.contains(":") ? "[" + host + "]" : host;
    return name + "=" + address + ":" + port + "/" + protocol.label();
  }

  private static IllegalArgumentException bad(String spec, String why) {
    return new IllegalArgumentException("\"" + spec + "\": " + why);
  }
}

package dev.p2ptunnel.bridge;

import dev.p2ptunnel.protocol.ServiceMessages;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A client's local port leading to one of the host's services: connections (TCP) or datagrams (UDP) to
 * {@link #bind()} reach the service named {@link #service()}. The protocol is the service's, learnt from the host's
 * list when the client joins. Immutable and thread-safe.
 *
 * @param service the host's service name, or null for the host's default service (a connection that names no
 *     service, as the original protocol's: the only mapping an original host understands)
 * @param bind the local address and port (port 0: any free port)
 * @param nextFreePort whether to take the next free port above {@code bind}'s when it is in use (up to
 *     {@value #NEXT_FREE_TRIES} ports) instead of failing
 */
public record Mapping(@Nullable String service, InetSocketAddress bind, boolean nextFreePort) {
  /** How many ports {@link #nextFreePort()} tries, the given one included. */
  public static final int NEXT_FREE_TRIES = 100;

  /** Validates. */
  public Mapping {
    Objects.requireNonNull(bind, "bind");
    if (service != null) {
      String problem = ServiceMessages.nameProblem(service);
      if (problem != null) {
        throw new IllegalArgumentException("service name " + problem);
      }
    }
  }

  /** {@code 127.0.0.1:port} to the service named {@code service}, exactly that port. */
  public static Mapping of(String service, int port) {
    return new Mapping(Objects.requireNonNull(service, "service"),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), checkPort(port)), false);
  }

  /** {@code bind} to the service named {@code service}, exactly that address and port. */
  public static Mapping of(String service, InetSocketAddress bind) {
    return new Mapping(Objects.requireNonNull(service, "service"), bind, false);
  }

  /** {@code bind} to the host's default service. */
  public static Mapping toDefault(InetSocketAddress bind) {
    return new Mapping(null, bind, false);
  }

  /** The same mapping, taking the next free port when {@link #bind()}'s is in use. */
  public Mapping orNextFreePort() {
    return new Mapping(service, bind, true);
  }

  /**
   * Parses {@code [BIND:]PORT=NAME}: {@code 8080=web}, {@code 0.0.0.0:25565=game}, {@code [::1]:5353=dns}. BIND
   * defaults to 127.0.0.1; PORT 0 takes any free port.
   *
   * @throws IllegalArgumentException saying what part is wrong
   */
  public static Mapping parse(String spec) {
    int eq = spec.lastIndexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new IllegalArgumentException("\"" + spec + "\": expected [BIND:]PORT=NAME");
    }
    String name = spec.substring(eq + 1);
    String local = spec.substring(0, eq);
    String host = "127.0.0.1";
    String portText = local;
    if (local.startsWith("[")) {
      int close = local.indexOf("]:");
      if (close < 0) {
        throw new IllegalArgumentException("\"" + spec + "\": an IPv6 address needs the form [ADDRESS]:PORT=NAME");
      }
      host = local.substring(1, close);
      portText = local.substring(close + 2);
    } else if (local.contains(":")) {
      int colon = local.lastIndexOf(':');
      host = local.substring(0, colon);
      portText = local.substring(colon + 1);
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + spec + "\": port \"" + portText + "\" is not a number (expected: "
          + "0..65535)");
    }
    try {
      checkPort(port);
      return new Mapping(name, new InetSocketAddress(host, port), false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + spec + "\": " + e.getMessage(), e);
    }
  }

  /** {@code [BIND:]PORT=NAME} ({@code default} for the default service). */
  @Override
  public String toString() {
    String host = bind.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + bind.getPort() + "="
        + (service == null ? "(default)" : service) + (nextFreePort ? " (or the next free port)" : "");
  }

  private static int checkPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    return port;
  }
}

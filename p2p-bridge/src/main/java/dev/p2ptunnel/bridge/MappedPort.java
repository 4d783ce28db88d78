package dev.p2ptunnel.bridge;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A client mapping in place: where it listens and what it reaches. Immutable and thread-safe.
 *
 * @param mapping what was asked for
 * @param local the bound local address, the one applications use
 * @param protocol TCP (a listening socket) or UDP (a bound datagram socket)
 * @param service the host's service it reaches now, or null while the host's list is not known (the default mapping
 *     until the host's first message) or no longer names it (then new connections and datagrams are refused)
 */
public record MappedPort(Mapping mapping, InetSocketAddress local, Service.Protocol protocol,
    @Nullable SharedService service) {
  /** Validates. */
  public MappedPort {
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(protocol, "protocol");
  }

  /** {@code 127.0.0.1:8080/tcp -> web}. */
  @Override
  public String toString() {
    String host = local.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + local.getPort() + "/" + protocol.label()
        + " -> " + (mapping.service() == null ? "the default service" : mapping.service());
  }
}

package dev.p2ptunnel.bridge;

import java.util.Objects;

/**
 * A service as a client sees it in the host's list: its name, protocol and port, never the host's target address.
 * Immutable and thread-safe.
 *
 * @param id the id the protocol names it by (assigned by the host when the service is shared, never reused)
 * @param name what ports are mapped to
 * @param protocol TCP or UDP
 * @param port the service's port on the host: the port a client maps it to by default
 * @param isDefault whether a connection that names no service (an original client's, or a client's
 *     {@link Mapping#toDefault default mapping}) reaches it: the host's first TCP service
 */
public record SharedService(int id, String name, Service.Protocol protocol, int port, boolean isDefault) {
  /** Validates. */
  public SharedService {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    if (id < 0 || id > 0xFFFF) {
      throw new IllegalArgumentException("id: " + id + " (expected: 0..65535)");
    }
  }

  /** {@code name (port/proto)}, e.g. {@code web (8080/tcp)}. */
  @Override
  public String toString() {
    return name + " (" + port + "/" + protocol.label() + ")";
  }
}

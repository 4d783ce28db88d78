package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.bridge.Service;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.protocol.ProtocolException;
import dev.p2ptunnel.protocol.ServiceMessages;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.stream.Collectors;

/**
 * Where the host connects a socket or a flow the peer opened: the host's access rules ({@link HostServices}). A
 * CONNECT (or a datagram) names a service by id, or, without one (an original client, or our client's default
 * mapping), the default service; anything not shared with the right protocol is refused with a reason, never dialed.
 * Reads the registry's current snapshot at each call. Loop thread only; never blocks (the registry resolved its
 * targets when they were shared).
 */
final class DialPlan {
  /** What to do with a CONNECT or a datagram. */
  sealed interface Dial permits Target, Refused {}

  /** Dial {@code address}, for the service {@code serviceId} named {@code name}. */
  record Target(InetSocketAddress address, int serviceId, String name) implements Dial {}

  /** Refuse, counted under {@code kind}, telling the peer {@code reason}. */
  record Refused(ErrorKind kind, String reason) implements Dial {}

  private final HostServices services;

  DialPlan(HostServices services) {
    this.services = services;
  }

  /** Every CONNECT to {@code target}, as the one TCP service {@value Service#DEFAULT_NAME}. */
  static DialPlan fixed(InetSocketAddress target) {
    if (target.isUnresolved()) {
      throw new IllegalArgumentException("target: " + target + " (expected: a resolved address)");
    }
    return new DialPlan(HostServices.of(
        Service.tcp(Service.DEFAULT_NAME, target.getAddress().getHostAddress(), target.getPort())));
  }

  HostServices services() {
    return services;
  }

  /**
   * The target of a CONNECT for {@code socketId}.
   *
   * @param payload the CONNECT's payload, valid during the call only
   * @param named whether the named-services extension is in use (else the payload is ignored, as the original host
   *     does, and the default service is dialed)
   */
  Dial connect(int socketId, ByteBuffer payload, boolean named) {
    int id = ServiceMessages.DEFAULT_SERVICE;
    if (named) {
      try {
        id = ServiceMessages.connectServiceId(payload, socketId);
      } catch (ProtocolException e) {
        return new Refused(ErrorKind.BAD_PAYLOAD, e.getMessage());
      }
    }
    return resolve(id, Service.Protocol.TCP);
  }

  /** The target of a datagram for service {@code serviceId} (UDP only). */
  Dial datagram(int serviceId) {
    return resolve(serviceId, Service.Protocol.UDP);
  }

  private Dial resolve(int id, Service.Protocol protocol) {
    HostServices.Snapshot now = services.snapshot();
    SharedService shared = id == ServiceMessages.DEFAULT_SERVICE ? now.defaultService() : now.shared(id);
    Service service = shared == null ? null : now.service(shared.id());
    InetSocketAddress address = shared == null ? null : now.target(shared.id());
    if (service == null || address == null || service.protocol() != protocol) {
      return new Refused(ErrorKind.UNKNOWN_SERVICE, unknown(now, id, protocol));
    }
    return new Target(address, shared.id(), service.name());
  }

  private static String unknown(HostServices.Snapshot now, int id, Service.Protocol protocol) {
    String shares = now.shared().isEmpty() ? "nothing" : now.shared().stream().map(SharedService::toString)
        .collect(Collectors.joining(", "));
    String what = id == ServiceMessages.DEFAULT_SERVICE ? "no default (TCP) service" : "no " + protocol.label()
        + " service with id " + id;
    return "the host shares " + what + " (it shares " + shares + ")";
  }
}

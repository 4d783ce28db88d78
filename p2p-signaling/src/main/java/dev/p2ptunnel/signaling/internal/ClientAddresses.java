package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.SignalingConfig;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.server.Request;

/**
 * Who a request comes from, as every per-address limit counts it: the connection's peer, or, when that peer is a
 * trusted proxy, the last address in {@code X-Forwarded-For} that is not itself a trusted proxy (the ones before it
 * could be made up by the client). Immutable and thread-safe.
 */
final class ClientAddresses {
  private final Networks trusted;
  private final int v4Bits;
  private final int v6Bits;

  ClientAddresses(SignalingConfig config) {
    this.trusted = Networks.parse("trustedProxies", config.trustedProxies());
    this.v4Bits = config.ipv4PrefixBits();
    this.v6Bits = config.ipv6PrefixBits();
  }

  /** The client address of {@code request}. */
  String client(Request request) {
    String peer = peer(request.getConnectionMetaData().getRemoteSocketAddress());
    if (trusted.isEmpty() || !trusted.contains(peer)) {
      return peer;
    }
    String forwarded = request.getHeaders().get("X-Forwarded-For");
    if (forwarded == null) {
      return peer;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (Networks.literal(hop) == null) {
        return peer; // not an address: believe nothing further left
      }
      if (!trusted.contains(hop)) {
        return normalized(hop);
      }
    }
    return peer;
  }

  /** Whether connections from {@code address} are a trusted proxy's (exempt from the per-address connection cap). */
  boolean trustedProxy(String address) {
    return trusted.contains(address);
  }

  Store.Client of(String address) {
    return new Store.Client(address, Networks.prefix(address, v4Bits, v6Bits));
  }

  static String peer(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return "unknown";
  }

  private static String normalized(String literal) {
    byte[] bytes = Networks.literal(literal);
    try {
      return bytes == null ? literal : java.net.InetAddress.getByAddress(bytes).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return literal;
    }
  }
}

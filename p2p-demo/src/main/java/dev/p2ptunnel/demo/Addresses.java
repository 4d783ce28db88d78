package dev.p2ptunnel.demo;

import java.net.InetSocketAddress;

/** Addresses as users type them: {@code 127.0.0.1:25565}, {@code [::1]:25565}. Stateless. */
final class Addresses {
  private Addresses() {}

  static String format(String host, int port) {
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  static String format(InetSocketAddress address) {
    return format(address.getHostString(), address.getPort());
  }
}

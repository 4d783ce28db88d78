package dev.p2ptunnel.rendezvous.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where one MQTT broker is: {@code mqtt://HOST[:PORT]} (plain TCP, default port 1883) or {@code mqtts://HOST[:PORT]}
 * (TLS, default port 8883), optionally with {@code USER:PASSWORD@} for brokers that want a login. Immutable.
 *
 * @param tls whether the connection uses TLS
 * @param host name or address (IPv6 without brackets)
 * @param port TCP port
 * @param user login name, or null
 * @param password login password, or null
 */
public record BrokerAddress(boolean tls, String host, int port, @Nullable String user, @Nullable String password) {
  /** The rule in words, as error messages state it. */
  public static final String RULE = "mqtt://HOST[:PORT] or mqtts://HOST[:PORT]";

  /**
   * Reads a broker URI.
   *
   * @throws IllegalArgumentException naming what is wrong and the rule
   */
  public static BrokerAddress parse(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls;
    if (scheme.equals("mqtts")) {
      tls = true;
    } else if (scheme.equals("mqtt")) {
      tls = false;
    } else {
      throw bad(uri, "scheme " + (scheme.isEmpty() ? "missing" : "'" + scheme + "'"));
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw bad(uri, "no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw bad(uri, "a path, query or fragment");
    }
    int port = uri.getPort() < 0 ? (tls ? 8883 : 1883) : uri.getPort();
    String user = null;
    String password = null;
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    return new BrokerAddress(tls, host, port, user, password);
  }

  /** Percent-decoding of a URI component ('+' stays '+', unlike form decoding). */
  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException bad(URI uri, String what) {
    return new IllegalArgumentException("broker " + masked(uri) + ": " + what + " (expected: " + RULE + ")");
  }

  /** The URI with any password replaced by {@code ***}. */
  static String masked(URI uri) {
    String info = uri.getRawUserInfo();
    if (info == null || info.indexOf(':') < 0) {
      return uri.toString();
    }
    return uri.toString().replace(info, info.substring(0, info.indexOf(':')) + ":***");
  }

  /** {@code mqtts://host:8883} (with {@code user@} if any, never the password): what messages and prints show. */
  public String display() {
    String shownHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return (tls ? "mqtts://" : "mqtt://") + (user == null ? "" : user + "@") + shownHost + ":" + port;
  }

  @Override
  public String toString() {
    return display();
  }
}

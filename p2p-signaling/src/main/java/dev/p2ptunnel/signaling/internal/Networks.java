package dev.p2ptunnel.signaling.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Address ranges (CIDR) and network prefixes of client addresses. Only literal addresses are parsed: nothing here
 * ever asks DNS. Immutable and thread-safe.
 */
final class Networks {
  private final List<Range> ranges;

  private record Range(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xFF << (8 - rest) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private Networks(List<Range> ranges) {
    this.ranges = ranges;
  }

  /**
   * Parses {@code 10.0.0.0/8}, {@code ::1/128} or a single address.
   *
   * @throws IllegalArgumentException naming the entry that is not a literal address or range
   */
  static Networks parse(String what, List<String> cidrs) {
    List<Range> ranges = new ArrayList<>();
    for (String cidr : cidrs) {
      String text = cidr.trim();
      int slash = text.indexOf('/');
      byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException(what + ": \"" + cidr + "\" is not an address or CIDR range (expected: "
            + "e.g. 10.0.0.0/8 or fd00::/8)");
      }
      int bits = address.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > address.length * 8) {
          throw new IllegalArgumentException(what + ": \"" + cidr + "\" has a bad prefix length (expected: 0.."
              + address.length * 8 + ")");
        }
      }
      ranges.add(new Range(address, bits));
    }
    return new Networks(List.copyOf(ranges));
  }

  boolean contains(@Nullable String address) {
    if (address == null || ranges.isEmpty()) {
      return false;
    }
    byte[] bytes = literal(address);
    if (bytes == null) {
      return false;
    }
    for (Range range : ranges) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** The network of {@code address}: {@code 203.0.113.0/24}, {@code 2001:db8:1:200::/56}; the address if unparsable. */
  static String prefix(String address, int v4Bits, int v6Bits) {
    byte[] bytes = literal(address);
    if (bytes == null) {
      return address;
    }
    int bits = bytes.length == 4 ? v4Bits : v6Bits;
    for (int i = 0; i < bytes.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      bytes[i] = (byte) (bytes[i] & (0xFF << (8 - keep)));
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress() + "/" + bits;
    } catch (UnknownHostException e) {
      return address;
    }
  }

  /** The bytes of a literal IPv4 or IPv6 address (IPv4-mapped IPv6 as IPv4), or null; never a DNS lookup. */
  static byte @Nullable [] literal(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    boolean v4 = !t.isEmpty() && t.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    boolean v6 = t.indexOf(':') >= 0 && t.chars().allMatch(c -> c == ':' || c == '.' || c == '%'
        || Character.digit(c, 16) >= 0);
    if (!v4 && !v6) {
      return null;
    }
    try {
      InetAddress address = InetAddress.getByName(t); // a literal: parsed, not resolved
      if (address instanceof Inet4Address) {
        return address.getAddress();
      }
      byte[] bytes = address.getAddress();
      return bytes;
    } catch (UnknownHostException e) {
      return null;
    }
  }
}

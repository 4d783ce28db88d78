package dev.p2ptunnel.webrtc.internal;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;

/**
 * Notices when this machine's network changes (an interface or address appears or goes away): webrtc-java 0.14.0
 * installs no network monitor, and libwebrtc uses a new interface only after an ICE restart, so the client looks
 * itself, every few seconds, at the addresses of the interfaces that are up (loopback aside). Called on one thread
 * (the reconnector's); not thread-safe.
 */
final class NetworkWatcher {
  private Set<String> last;

  NetworkWatcher() {
    this.last = addresses();
  }

  /** Whether the set of addresses differs from the last look (and remembers this one). */
  boolean changed() {
    Set<String> now = addresses();
    boolean changed = !now.equals(last);
    last = now;
    return changed;
  }

  /** What changed, for a log line. */
  String describe() {
    return String.join(", ", last);
  }

  /** {@code name/address} of every address of every interface that is up, loopback aside; empty if unreadable. */
  static Set<String> addresses() {
    Set<String> result = new TreeSet<>();
    try {
      Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
      while (interfaces != null && interfaces.hasMoreElements()) {
        NetworkInterface nic = interfaces.nextElement();
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (Enumeration<InetAddress> addresses = nic.getInetAddresses(); addresses.hasMoreElements(); ) {
          result.add(nic.getName() + "/" + addresses.nextElement().getHostAddress());
        }
      }
    } catch (SocketException e) {
      // unreadable now: compared as empty, so the next readable look counts as a change
    }
    return result;
  }
}

package dev.p2ptunnel.bridge.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A real loopback UDP socket driven by the test's thread, never blocking: a UDP service (an echo that answers each
 * datagram to its sender, prefixed with what it saw) or a client application. Not thread-safe.
 */
final class LocalUdp implements AutoCloseable {
  /** One datagram received, and from where. */
  record Received(SocketAddress from, byte[] data) {
    String text() {
      return new String(data, java.nio.charset.StandardCharsets.US_ASCII);
    }
  }

  final DatagramChannel channel;
  final List<Received> received = new ArrayList<>();
  /** An echo answers each datagram to its sender. */
  boolean echo;

  LocalUdp() throws IOException {
    channel = DatagramChannel.open();
    channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    channel.configureBlocking(false);
  }

  static LocalUdp echo() throws IOException {
    LocalUdp udp = new LocalUdp();
    udp.echo = true;
    return udp;
  }

  InetSocketAddress address() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void send(byte[] data, InetSocketAddress to) {
    try {
      channel.send(ByteBuffer.wrap(data), to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int pump() {
    int n = 0;
    ByteBuffer buffer = ByteBuffer.allocate(65_536);
    try {
      SocketAddress from;
      while ((from = channel.receive(buffer.clear())) != null) {
        byte[] data = new byte[buffer.flip().remaining()];
        buffer.get(data);
        received.add(new Received(from, data));
        if (echo) {
          channel.send(ByteBuffer.wrap(data), from);
        }
        n++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}

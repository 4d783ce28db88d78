package dev.p2ptunnel.protocol;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Hex vectors in tests: spaces are for the reader and ignored. */
final class Hex {
  private Hex() {}

  static ByteBuffer buffer(String hex) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  static String of(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}

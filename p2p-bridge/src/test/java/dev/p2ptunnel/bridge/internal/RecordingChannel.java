package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Coalescing;
import dev.p2ptunnel.protocol.DecodedFrame;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A channel that keeps what is sent (each message as hex, each frame decoded: a coalesced message split) and is
 * writable while the test says so.
 */
final class RecordingChannel implements MessageChannel {
  final List<String> hex = new ArrayList<>();
  final List<DecodedFrame> frames = new ArrayList<>();
  /** What {@link #maxMessageLength()} says. */
  int maxMessage = MAX_MESSAGE_LENGTH;
  boolean writable = true;
  boolean open = true;
  /** After this many sends, writable turns false (-1: never). */
  int unwritableAfter = -1;

  @Override
  public void start(Listener listener) {}

  @Override
  public boolean send(ByteBuffer message) {
    int length = MessageChannel.checkedLength(message, maxMessage);
    if (!open) {
      return false;
    }
    byte[] copy = new byte[length];
    message.get(message.position(), copy);
    hex.add(HexFormat.of().formatHex(copy));
    Coalescing.split(ByteBuffer.wrap(copy), frame -> {
      try {
        frames.add(Frame.decode(frame));
      } catch (ProtocolException e) {
        throw new AssertionError("sent a malformed frame: " + e.getMessage());
      }
    });
    if (unwritableAfter >= 0 && hex.size() >= unwritableAfter) {
      writable = false;
    }
    return true;
  }

  @Override
  public int maxMessageLength() {
    return maxMessage;
  }

  @Override
  public boolean isWritable() {
    return writable && open;
  }

  @Override
  public long bufferedAmount() {
    return 0;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close(String reason) {
    open = false;
  }

  /** The events of the frames sent so far, by name, e.g. {@code [HELLO, CONNECT, WINDOW]}. */
  List<String> events() {
    return frames.stream().map(f -> Frame.eventName(f.event())).toList();
  }
}

package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.fail;

import dev.p2ptunnel.bridge.MessageChannel;
import dev.p2ptunnel.protocol.Coalescing;
import dev.p2ptunnel.protocol.DecodedFrame;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The far end of a channel written frame by frame by the test: an original peer, or a hostile one. Keeps every frame
 * the engine sent, decoded (a malformed one fails the test). A message must be one frame unless the script announced
 * coalescing ({@link #splitting}), then its frames are split. Test thread only.
 */
final class PeerScript implements MessageChannel.Listener {
  final MessageChannel channel;
  final List<DecodedFrame> received = new ArrayList<>();
  /** Messages received, and how many frames each held. */
  final List<Integer> framesPerMessage = new ArrayList<>();
  /** Whether the engine may send coalesced messages (the script announced it). */
  boolean splitting;
  @Nullable String closedReason;

  PeerScript(MessageChannel channel) {
    this.channel = channel;
    channel.start(this);
  }

  void send(ByteBuffer frame) {
    channel.send(frame);
  }

  void send(int event, int socketId, int chunkId, byte[] payload) {
    send(Frame.encode(event, socketId, chunkId, 0, 1, ByteBuffer.wrap(payload)));
  }

  /** Removes and returns the first received frame that matches; fails if there is none. */
  DecodedFrame take(Predicate<DecodedFrame> match, String what) {
    for (Iterator<DecodedFrame> it = received.iterator(); it.hasNext(); ) {
      DecodedFrame frame = it.next();
      if (match.test(frame)) {
        it.remove();
        return frame;
      }
    }
    return fail("no frame: " + what + " among " + describe());
  }

  /** Whether a received frame matches (without removing it). */
  boolean has(Predicate<DecodedFrame> match) {
    return received.stream().anyMatch(match);
  }

  /** The received frames as {@code EVENT socket/chunk}, e.g. {@code [CONNECT 7/0, DATA 7/1]}. */
  List<String> describe() {
    return received.stream().map(f -> Frame.eventName(f.event()) + " " + f.socketId() + "/" + f.chunkId()).toList();
  }

  @Override
  public void onMessage(ByteBuffer message) {
    if (!splitting) {
      framesPerMessage.add(1);
      decode(message);
      return;
    }
    framesPerMessage.add(Coalescing.split(message, this::decode));
  }

  private void decode(ByteBuffer frame) {
    try {
      received.add(Frame.decode(frame));
    } catch (ProtocolException e) {
      fail("the engine sent a malformed frame: " + e.getMessage());
    }
  }

  @Override
  public void onWritable() {}

  @Override
  public void onClosed(String reason) {
    closedReason = reason;
  }
}

package dev.p2ptunnel.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A reassembler handler that keeps copies of everything it is told, in order. */
class RecordingHandler implements Reassembler.Handler {
  record Message(int event, int socketId, byte[] payload) {}

  final List<Message> messages = new ArrayList<>();
  final List<Message> unknown = new ArrayList<>();
  final List<ProtocolException> errors = new ArrayList<>();

  @Override
  public void onMessage(int event, int socketId, ByteBuffer payload) {
    messages.add(new Message(event, socketId, copy(payload)));
  }

  @Override
  public void onExtensionFrame(int event, int socketId, ByteBuffer frame) {
    unknown.add(new Message(event, socketId, copy(frame)));
  }

  @Override
  public void onError(ProtocolException error) {
    errors.add(error);
  }

  static byte[] copy(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  List<String> errorMessages() {
    List<String> out = new ArrayList<>();
    for (ProtocolException e : errors) {
      out.add(e.getMessage());
    }
    return out;
  }
}

package dev.p2ptunnel.benchmarks;

import dev.p2ptunnel.protocol.Chunker;
import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.protocol.FrameSink;
import dev.p2ptunnel.protocol.ProtocolException;
import dev.p2ptunnel.protocol.Reassembler;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The protocol's hot paths, one write of {@code size} bytes per operation: bytes/s = ops/s × size.
 *
 * <ul>
 *   <li>{@code chunkAndReassemble}: {@link Chunker#writeFrames} hands header + payload slice per frame; the sink
 *       gathers them into one message buffer (the copy a DataChannel send needs anyway) and the
 *       {@link Reassembler} takes it — in place for a single-frame write, one more copy for a multi-frame one.
 *   <li>{@code inPlaceSingleFrame}: what the bridge does for writes ≤ 65 525 bytes: the header is written in front of
 *       the payload already in the message buffer, and the reassembler hands the payload over in place.
 *   <li>{@code decodeHeader}: validation and header reads of one frame.
 * </ul>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per write.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChunkReassembleBenchmark {
  @Param({"64", "1024", "16384", "65536", "1048576"})
  public int size;

  private Chunker chunker;
  private Reassembler reassembler;
  private ByteBuffer payload;
  private ByteBuffer message;
  private ByteBuffer inPlace;
  private ByteBuffer encodedFrame;
  private Blackhole blackhole;
  /** Kept in a field: a method reference per call would allocate. */
  private final FrameSink gatherAndReceive = this::gatherAndReceive;
  private long delivered;

  @Setup
  public void setUp(Blackhole bh) {
    blackhole = bh;
    chunker = new Chunker();
    reassembler = new Reassembler(new Reassembler.Handler() {
      @Override
      public void onMessage(int event, int socketId, ByteBuffer data) {
        delivered += data.remaining();
        blackhole.consume(data);
      }

      @Override
      public void onExtensionFrame(int event, int socketId, ByteBuffer frame) {
        throw new AssertionError("unexpected event " + event);
      }

      @Override
      public void onError(ProtocolException error) {
        throw new AssertionError(error.getMessage());
      }
    });
    byte[] bytes = new byte[size];
    new Random(1).nextBytes(bytes);
    payload = ByteBuffer.wrap(bytes);
    message = ByteBuffer.allocate(Frame.MAX_FRAME_LENGTH);
    int single = Math.min(size, Frame.MAX_PAYLOAD_LENGTH);
    inPlace = ByteBuffer.allocate(Frame.HEADER_LENGTH + single);
    inPlace.put(Frame.HEADER_LENGTH, bytes, 0, single);
    encodedFrame = Frame.encode(Frame.EVENT_DATA, 1, 0, 0, 1, ByteBuffer.wrap(bytes, 0, single));
  }

  @Benchmark
  public long chunkAndReassemble() {
    chunker.writeFrames(Frame.EVENT_DATA, 1, payload, gatherAndReceive);
    return delivered;
  }

  private void gatherAndReceive(ByteBuffer header, ByteBuffer slice) {
    message.clear();
    message.put(header).put(slice).flip();
    reassembler.accept(message);
  }

  @Benchmark
  public long inPlaceSingleFrame() {
    // Writes above one frame's payload are cut into frames by the bridge; measure one full frame then.
    chunker.writeSingleFrameHeader(inPlace, 0, Frame.EVENT_DATA, 1, inPlace.capacity() - Frame.HEADER_LENGTH);
    inPlace.clear();
    reassembler.accept(inPlace);
    return delivered;
  }

  @Benchmark
  public int decodeHeader() throws ProtocolException {
    Frame.validate(encodedFrame);
    return Frame.socketId(encodedFrame) + Frame.chunkId(encodedFrame) + Frame.payloadSize(encodedFrame);
  }
}

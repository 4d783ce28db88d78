package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.HostServices;
import dev.p2ptunnel.bridge.MessageChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loads and initializes the classes a bridge's start uses, ahead of it (issue 15, docs/PERFORMANCE.md "Start, fourth
 * session"): a tunnel knows a bridge will start once its join goes through, and its setup thread then waits on the
 * network for a second or more, while the bridge's first start loads ~150 classes from the jar and verifies them,
 * 0.1–0.5 s of a setup's critical path depending on the machine's load. This builds an engine of the role in embedded
 * mode on the calling thread (no thread, one selector for a moment, no socket, nothing sent anywhere: the channel
 * drops what the engine announces), starts and closes it. Once per role and JVM; later calls return at once.
 * Thread-safe.
 */
public final class Preload {
  /** The reason the preloading engine closes with (its one DEBUG line, {@code bridge closed: …}). */
  static final String REASON = "preload (classes loaded ahead of the tunnel's bridge; no peer, nothing sent)";
  private static final AtomicBoolean CLIENT = new AtomicBoolean();
  private static final AtomicBoolean HOST = new AtomicBoolean();

  private Preload() {}

  /**
   * Loads what {@code ClientBridge.start} ({@code host} false) or {@code HostBridge.start} ({@code host} true) uses,
   * once; blocks while it does (tens of ms on an idle machine).
   *
   * @return whether this call did the work (false: done before, or under way on another thread)
   * @throws IOException if the engine's selector cannot be opened (nothing is left open)
   */
  public static boolean run(boolean host) throws IOException {
    if (!(host ? HOST : CLIENT).compareAndSet(false, true)) {
      return false;
    }
    startAndClose(host, new Sink());
    return true;
  }

  /** The work of {@link #run}, every time: an engine of the role over {@code sink}, started and closed. */
  static Engine startAndClose(boolean host, Sink sink) throws IOException {
    Engine engine = host
        ? Engine.embeddedHost(sink, new DialPlan(HostServices.of()), BridgeConfig.defaults(), new ManualTicker())
        : Engine.embeddedClient(sink, null, BridgeConfig.defaults(), new ManualTicker(), 0);
    engine.start();
    engine.runPending();
    engine.requestClose(REASON);
    engine.runPending();
    return engine;
  }

  /** A channel with no peer: takes every message and drops it; closing says so to the engine. Loop thread only. */
  static final class Sink implements MessageChannel {
    private MessageChannel.@org.jspecify.annotations.Nullable Listener listener;
    private boolean open = true;
    int sent;

    @Override
    public void start(Listener l) {
      if (listener != null) {
        throw new IllegalStateException("listener already registered");
      }
      listener = l;
    }

    @Override
    public boolean send(ByteBuffer message) {
      MessageChannel.checkedLength(message);
      if (open) {
        sent++;
      }
      return open;
    }

    @Override
    public boolean isWritable() {
      return open;
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
      if (open) {
        open = false;
        Listener l = listener;
        if (l != null) {
          l.onClosed(reason);
        }
      }
    }
  }
}

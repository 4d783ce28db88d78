package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.p2ptunnel.bridge.DatagramTransport;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The datagram channel: a second DataChannel of the session, {@value #LABEL}, negotiated with id {@value #ID},
 * unordered, {@code maxRetransmits} 0, as a {@link DatagramTransport}. Both peers create it only once both announced
 * datagrams in their HELLO, so an original peer never sees it (negotiated channels are not in the SDP; and data
 * for a stream id a peer has no channel for is dropped by libwebrtc, so a datagram sent before the other side created
 * its channel is lost, as UDP may lose it). Thread-safe.
 *
 * <p>Size: a message travels whole only if it fits one SCTP packet. libwebrtc's SCTP (dcsctp) builds packets of at
 * most 1191 bytes (its safe MTU: room for IPv6, UDP, DTLS and TURN headers), of which the common header takes 12 and
 * the DATA chunk header 16: {@value #MAX_MESSAGE_LENGTH} bytes. A longer message would be split, and with
 * {@code maxRetransmits} 0 the loss of any part loses all of it; the bridge drops such datagrams instead.
 *
 * <p>Queue: an unreliable message still waits in libwebrtc's send queue until the congestion window lets it go.
 * Datagrams that would take that queue past {@value #QUEUE_LIMIT_BYTES} bytes are dropped, so that UDP never waits
 * behind a backlog (and libwebrtc's 16 MiB limit, which closes the channel silently, stays far away).
 */
final class DataChannelDatagrams implements DatagramTransport, RTCDataChannelObserver {
  /** The channel's label. */
  static final String LABEL = "udp";
  /** The channel's negotiated id ({@code data} is 0). */
  static final int ID = 1;
  /** What one SCTP packet carries of a message: 1191 − 12 − 16. */
  static final int MAX_MESSAGE_LENGTH = 1163;
  /** Queued bytes past which datagrams are dropped: about 50 ms at 10 Mbit/s. */
  static final long QUEUE_LIMIT_BYTES = 64 * 1024;

  private final RTCDataChannel dc;
  private final PeerSession session;
  private final CompletableFuture<DatagramTransport> open = new CompletableFuture<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final Object sendLock = new Object();
  private boolean sendClosed; // guarded by sendLock
  private long queuedEstimate; // guarded by sendLock
  private volatile @Nullable Listener listener;
  private volatile boolean closeDelivered;

  private DataChannelDatagrams(RTCDataChannel dc, PeerSession session) {
    this.dc = dc;
    this.session = session;
  }

  /** Creates the channel on {@code pc} (session thread) and starts observing it. */
  static DataChannelDatagrams create(RTCPeerConnection pc, PeerSession session) {
    RTCDataChannelInit init = new RTCDataChannelInit();
    init.negotiated = true;
    init.id = ID;
    init.ordered = false;
    init.maxRetransmits = 0; // maxPacketLifeTime stays unset: one of the two
    DataChannelDatagrams datagrams = new DataChannelDatagrams(pc.createDataChannel(LABEL, init), session);
    datagrams.dc.registerObserver(datagrams);
    // An observer registered after the channel opened never hears OPEN.
    if (datagrams.dc.getState() == RTCDataChannelState.OPEN) {
      datagrams.open.complete(datagrams);
    }
    return datagrams;
  }

  /** Completes once the channel is open. */
  CompletableFuture<DatagramTransport> opened() {
    return open;
  }

  RTCDataChannel channel() {
    return dc;
  }

  @Override
  public int maxMessageLength() {
    return MAX_MESSAGE_LENGTH;
  }

  @Override
  public void start(Listener l) {
    Objects.requireNonNull(l, "listener");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("datagram listener already registered on " + session.name());
    }
    listener = l;
  }

  @Override
  public boolean send(ByteBuffer message) {
    int length = message.remaining();
    if (length > MAX_MESSAGE_LENGTH) {
      return false;
    }
    byte[] exact = new byte[length]; // webrtc-java sends a heap buffer's whole array
    message.get(message.position(), exact);
    synchronized (sendLock) {
      if (sendClosed) {
        return false;
      }
      try {
        if (queuedEstimate + length > QUEUE_LIMIT_BYTES) {
          queuedEstimate = dc.getBufferedAmount();
          if (queuedEstimate + length > QUEUE_LIMIT_BYTES) {
            return false;
          }
        }
        dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(exact), true));
        queuedEstimate += length;
      } catch (Exception e) {
        return false; // closing meanwhile: a datagram lost, nothing more
      }
    }
    session.messageSent(length);
    return true;
  }

  @Override
  public void close(String reason) {
    shutdown(reason);
  }

  /** No send reaches the native channel after this returns; the listener hears {@code onClosed} once. */
  void shutdown(String reason) {
    synchronized (sendLock) {
      sendClosed = true;
    }
    open.completeExceptionally(new IllegalStateException("datagram channel closed: " + reason));
    deliverClosed(reason);
  }

  private void deliverClosed(String reason) {
    Listener l = listener;
    if (l != null && !closeDelivered) {
      closeDelivered = true;
      try {
        l.onClosed(reason);
      } catch (RuntimeException e) {
        PeerSession.LOG.log(System.Logger.Level.WARNING, session.name() + ": datagram listener failed", e);
      }
    }
  }

  // ---- libwebrtc callbacks: signaling thread; every body catches Throwable (an escape aborts the JVM) ----

  @Override
  public void onBufferedAmountChange(long previousAmount) {
    // Never called by webrtc-java 0.14.0; the estimate is refreshed when it reaches the limit.
  }

  @Override
  public void onStateChange() {
    try {
      RTCDataChannelState state = dc.getState();
      if (state == RTCDataChannelState.OPEN) {
        open.complete(this);
      } else if (state == RTCDataChannelState.CLOSED) {
        deliverClosed("the datagram channel closed");
      }
    } catch (Throwable t) {
      session.callbackFailed("datagram onStateChange", t);
    }
  }

  @Override
  public void onMessage(RTCDataChannelBuffer buffer) {
    try {
      ByteBuffer data = buffer.data; // native memory, freed when this returns
      ByteBuffer copy = ByteBuffer.allocate(data.remaining());
      copy.put(data).flip();
      session.messageReceived(copy.remaining());
      Listener l = listener;
      if (l != null) {
        l.onMessage(copy); // the bridge's datagram inbox: never blocks
      }
    } catch (Throwable t) {
      session.callbackFailed("datagram onMessage", t);
    }
  }
}

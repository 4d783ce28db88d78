package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The alternative we did not take, measured with raw webrtc-java: ONE long-lived factory for 50 connection pairs.
 * On demand only: {@code -Dtest=SharedFactoryMeasurement -Dp2p.measure=true}.
 */
class SharedFactoryMeasurement {
  @Test
  void perConnectionCostWithOneSharedFactory() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("p2p.measure") && System.getenv("P2P_TEST_NETNS") != null);
    HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
    PeerConnectionFactory factory = new PeerConnectionFactory(adm);
    for (int i = 0; i < 3; i++) {
      pair(factory);
    }
    long[] before = usage();
    for (int i = 0; i < 50; i++) {
      pair(factory);
    }
    long[] after = usage();
    System.out.printf("MEASURE shared factory, 50 pairs: threads %d -> %d, fds %d -> %d, RSS %d -> %d KiB "
        + "(%+.1f KiB per connection)%n", before[0], after[0], before[1], after[1], before[2], after[2],
        (after[2] - before[2]) / 100.0);
    factory.dispose();
    adm.dispose();
  }

  private static void pair(PeerConnectionFactory factory) throws Exception {
    Peer a = new Peer(factory);
    Peer b = new Peer(factory);
    RTCSessionDescription offer = a.local(true);
    b.remote(offer);
    RTCSessionDescription answer = b.local(false);
    a.remote(answer);
    a.open.get(10, TimeUnit.SECONDS);
    b.open.get(10, TimeUnit.SECONDS);
    for (int m = 0; m < 10; m++) {
      a.dc.send(new RTCDataChannelBuffer(ByteBuffer.allocate(1000), true));
    }
    b.received.get(10, TimeUnit.SECONDS);
    for (Peer p : new Peer[] {a, b}) {
      p.dc.unregisterObserver();
      p.dc.close();
      p.dc.dispose();
    }
    a.pc.close();
    b.pc.close();
  }

  private static final class Peer implements PeerConnectionObserver, RTCDataChannelObserver {
    final RTCPeerConnection pc;
    final RTCDataChannel dc;
    final CompletableFuture<Void> gathered = new CompletableFuture<>();
    final CompletableFuture<Void> open = new CompletableFuture<>();
    final CompletableFuture<Void> received = new CompletableFuture<>();
    int messages;

    Peer(PeerConnectionFactory factory) {
      pc = factory.createPeerConnection(new RTCConfiguration(), this);
      RTCDataChannelInit init = new RTCDataChannelInit();
      init.negotiated = true;
      init.id = 0;
      dc = pc.createDataChannel("data", init);
      dc.registerObserver(this);
    }

    RTCSessionDescription local(boolean offer) throws Exception {
      CompletableFuture<RTCSessionDescription> created = new CompletableFuture<>();
      CreateSessionDescriptionObserver o = new CreateSessionDescriptionObserver() {
        @Override
        public void onSuccess(RTCSessionDescription d) {
          created.complete(d);
        }

        @Override
        public void onFailure(String e) {
          created.completeExceptionally(new IllegalStateException(e));
        }
      };
      if (offer) {
        pc.createOffer(new RTCOfferOptions(), o);
      } else {
        pc.createAnswer(new RTCAnswerOptions(), o);
      }
      set(created.get(10, TimeUnit.SECONDS), true);
      gathered.get(10, TimeUnit.SECONDS);
      return pc.getLocalDescription();
    }

    void remote(RTCSessionDescription d) throws Exception {
      set(d, false);
    }

    private void set(RTCSessionDescription d, boolean local) throws Exception {
      CompletableFuture<Void> done = new CompletableFuture<>();
      SetSessionDescriptionObserver o = new SetSessionDescriptionObserver() {
        @Override
        public void onSuccess() {
          done.complete(null);
        }

        @Override
        public void onFailure(String e) {
          done.completeExceptionally(new IllegalStateException(e));
        }
      };
      if (local) {
        pc.setLocalDescription(d, o);
      } else {
        pc.setRemoteDescription(d, o);
      }
      done.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void onIceCandidate(RTCIceCandidate candidate) {}

    @Override
    public void onIceGatheringChange(RTCIceGatheringState state) {
      if (state == RTCIceGatheringState.COMPLETE) {
        gathered.complete(null);
      }
    }

    @Override
    public void onBufferedAmountChange(long previousAmount) {}

    @Override
    public void onStateChange() {
      try {
        if (dc.getState() == RTCDataChannelState.OPEN) {
          open.complete(null);
        }
      } catch (Throwable t) {
        open.completeExceptionally(t);
      }
    }

    @Override
    public void onMessage(RTCDataChannelBuffer buffer) {
      if (++messages == 10) {
        received.complete(null);
      }
    }
  }

  private static long[] usage() throws Exception {
    System.gc();
    Thread.sleep(500);
    long rss = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return new long[] {count("/proc/self/task"), count("/proc/self/fd"), rss};
  }

  private static long count(String dir) throws Exception {
    try (Stream<Path> s = Files.list(Path.of(dir))) {
      return s.count();
    }
  }
}

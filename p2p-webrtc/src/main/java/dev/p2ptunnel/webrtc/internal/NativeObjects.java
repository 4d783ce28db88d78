package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCCertificatePEM;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.p2ptunnel.webrtc.Identity;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;

/** Creating and releasing webrtc-java 0.14.0 objects the way it survives. Thread-safe. */
final class NativeObjects {
  private NativeObjects() {}

  private static @Nullable HeadlessAudioDeviceModule sharedAudio; // guarded by NativeObjects.class

  /**
   * One headless audio module for the JVM, never disposed. Measured (SessionLeakTest): an audio module per session
   * left its "AudioDeviceBuffer" native thread behind after every teardown, because the native peer connection,
   * which webrtc-java 0.14.0 never releases, keeps it referenced. Shared, it costs one thread in total.
   *
   * <p>Its class is the first of webrtc-java's to load libwebrtc: a failure gets a message that says what this
   * platform needs ({@link NativeLibrary}).
   */
  static synchronized HeadlessAudioDeviceModule sharedAudioModule() {
    if (sharedAudio == null) {
      NativeCache.load(); // libwebrtc from the user's cache when it can, else webrtc-java unpacks it below
      try {
        sharedAudio = new HeadlessAudioDeviceModule();
      } catch (RuntimeException | LinkageError e) {
        throw NativeLibrary.loadFailure(e);
      }
    }
    return sharedAudio;
  }

  /**
   * A factory on the shared audio module. The module comes first: {@code new PeerConnectionFactory(…)} initializes
   * its class, which loads libwebrtc, before it evaluates its argument, and a failure there would bypass the message
   * of {@link #sharedAudioModule()}.
   */
  static PeerConnectionFactory newFactory() {
    HeadlessAudioDeviceModule audio = sharedAudioModule();
    return new PeerConnectionFactory(audio);
  }

  /** The native objects of one session. */
  record Natives(PeerConnectionFactory factory, RTCPeerConnection pc, RTCDataChannel dc) {}

  /**
   * A factory, its peer connection (whose callbacks go to {@code observer}) and the tunnel's DataChannel: label
   * {@code data}, negotiated id 0, ordered and reliable (the original app's). What was made is released when a step
   * fails.
   */
  static Natives create(String name, WebRtcConfig config, @Nullable Identity identity,
      PeerConnectionObserver observer) {
    PeerConnectionFactory pcf = null;
    RTCPeerConnection connection = null;
    try {
      pcf = newFactory();
      SetupTrace.step(name, "factory made");
      connection = pcf.createPeerConnection(toRtc(config, identity), observer);
      SetupTrace.step(name, "connection created");
      RTCDataChannelInit init = new RTCDataChannelInit();
      init.negotiated = true;
      init.id = 0;
      init.ordered = true; // maxRetransmits and maxPacketLifeTime stay unset: reliable
      return new Natives(pcf, connection, connection.createDataChannel("data", init));
    } catch (Throwable t) {
      release(name, null, connection, pcf);
      throw new WebRtcException(name + ": could not create the peer connection: " + t, t);
    }
  }

  static RTCConfiguration toRtc(WebRtcConfig config, @Nullable Identity identity) {
    RTCConfiguration rtc = new RTCConfiguration();
    if (identity != null) {
      rtc.certificates.add(new RTCCertificatePEM(identity.privateKeyPem(), identity.certificatePem(),
          identity.expiresEpochMs()));
    }
    for (WebRtcConfig.IceServer server : config.iceServers()) {
      RTCIceServer ice = new RTCIceServer();
      ice.urls.addAll(server.urls());
      ice.username = server.username();
      ice.password = server.credential();
      rtc.iceServers.add(ice);
    }
    rtc.iceTransportPolicy = config.relayOnly() ? RTCIceTransportPolicy.RELAY : RTCIceTransportPolicy.ALL;
    rtc.portAllocatorConfig = new PortAllocatorConfig(config.minPort(), config.maxPort(), 0);
    return rtc;
  }

  /**
   * Releases in the order webrtc-java 0.14.0 survives (channel unregister, close, dispose; connection close;
   * factory dispose), logging and skipping a step that fails. The shared audio module stays.
   */
  static void release(String name, @Nullable RTCDataChannel channel, @Nullable RTCPeerConnection connection,
      @Nullable PeerConnectionFactory pcf) {
    if (channel != null) {
      step(name, "dataChannel.unregisterObserver", channel::unregisterObserver);
      step(name, "dataChannel.close", channel::close);
      step(name, "dataChannel.dispose", channel::dispose);
    }
    if (connection != null) {
      step(name, "peerConnection.close", connection::close);
    }
    if (pcf != null) {
      step(name, "factory.dispose", pcf::dispose);
    }
  }

  private static void step(String name, String what, Runnable action) {
    try {
      action.run();
    } catch (Throwable t) {
      PeerSession.LOG.log(Level.WARNING, name + ": teardown step " + what + " failed", t);
    }
  }

}

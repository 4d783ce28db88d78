package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogsTest {
  @AfterEach
  void quiet() {
    Logs.configure(false);
  }

  @Test
  void verboseShowsOurDebugButOnlyTheJdksWarnings() {
    Logs.configure(true);
    assertTrue(Logger.getLogger("dev.p2ptunnel.bridge").isLoggable(Level.FINE));
    assertTrue(Logger.getLogger("dev.p2ptunnel.webrtc.internal.PeerSession").isLoggable(Level.FINE));
    // The JDK's HTTP client logs hundreds of debug lines per request under this name.
    assertFalse(Logger.getLogger("jdk.internal.httpclient.debug").isLoggable(Level.FINE));
    assertFalse(Logger.getLogger("jdk.event.security").isLoggable(Level.INFO));
    assertTrue(Logger.getLogger("jdk.internal.httpclient.debug").isLoggable(Level.WARNING));
    // The setup's timing points (issue 15) are debug lines of p2p-webrtc.
    assertTrue(Logger.getLogger("dev.p2ptunnel.webrtc.setup").isLoggable(Level.FINE));
  }

  @Test
  void quietShowsOnlyErrors() {
    Logs.configure(false);
    assertFalse(Logger.getLogger("dev.p2ptunnel.bridge").isLoggable(Level.WARNING));
    assertTrue(Logger.getLogger("dev.p2ptunnel.bridge").isLoggable(Level.SEVERE));
    assertFalse(Logger.getLogger("jdk.internal.httpclient.debug").isLoggable(Level.WARNING));
  }

  @Test
  void quietStillShowsThatThePrivateKeyCanBeReadByOthers() {
    Logs.configure(false);
    Logger identity = Logger.getLogger("dev.p2ptunnel.webrtc.Identity");
    assertTrue(identity.isLoggable(Level.WARNING));
    assertFalse(identity.isLoggable(Level.INFO));
    LogRecord warning = new LogRecord(Level.WARNING, "identity-key.pem can be read by others");
    assertTrue(Arrays.stream(Logger.getLogger("").getHandlers()).allMatch(handler -> handler.isLoggable(warning)));
    Logs.configure(true);
    assertTrue(identity.isLoggable(Level.FINE));
  }
}

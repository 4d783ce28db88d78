package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.bridge.BridgeListener;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tunnel's links in a bridge listener chain pass on every event: {@link BridgeListener}'s methods all have
 * defaults, so a method added to it later (as resuming and services each did) would otherwise stop at a link in
 * silence and never reach the user's listener or the tunnel's own.
 */
class ListenerChainTest {
  @Test
  void shouldPassOnEveryBridgeEvent() {
    for (Class<?> link : List.of(BridgeListeners.class, ForwardingBridgeListener.class)) {
      List<String> missing = new ArrayList<>();
      for (Method method : BridgeListener.class.getMethods()) {
        try {
          link.getDeclaredMethod(method.getName(), method.getParameterTypes());
        } catch (NoSuchMethodException e) {
          missing.add(method.getName());
        }
      }
      assertEquals(List.of(), missing, link.getSimpleName() + " does not pass these on");
    }
  }

  @Test
  void shouldMoveEveryClientListenerCallToTheCallbackExecutor() {
    List<String> missing = new ArrayList<>();
    for (Method method : dev.p2ptunnel.webrtc.ClientListener.class.getMethods()) {
      try {
        Callbacks.ClientCalls.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
      } catch (NoSuchMethodException e) {
        missing.add(method.getName());
      }
    }
    assertEquals(List.of(), missing, "these would run on the tunnel's own threads, not the callback executor");
  }
}

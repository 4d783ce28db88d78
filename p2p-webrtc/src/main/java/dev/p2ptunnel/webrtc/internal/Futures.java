package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.webrtc.WebRtcException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a future with a bound and a name for the error. Thread-safe (stateless). */
public final class Futures {
  private Futures() {}

  /**
   * Waits for {@code future} at most {@code timeout}, naming {@code what} in the exception; a failure's
   * RuntimeException is thrown as it is.
   */
  public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new WebRtcException(what + ": no result within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebRtcException(what + ": interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new WebRtcException(what + ": " + cause, cause);
    }
  }
}

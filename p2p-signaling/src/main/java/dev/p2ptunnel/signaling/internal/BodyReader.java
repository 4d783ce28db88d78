package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.api.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.jspecify.annotations.Nullable;

/**
 * Reads a request body without blocking a thread: chunks as they arrive (Jetty's demand callbacks), at most the
 * body limit held, the whole body within the body timeout. Too large: 413 (a declared length over the limit from the
 * headers alone; up to {@link #DRAIN_FACTOR} times the limit is read and dropped first so that a client still
 * sending is not reset before it reads the 413; beyond that the 413 goes out at once, the rest of the body is still
 * read and dropped until it ends or the body timeout passes, and then the connection is closed). Too slow: 408 and
 * the connection is closed. One instance per request; its callbacks run on Jetty's threads and the timer's.
 */
final class BodyReader {
  /** Bodies up to this many times the limit are read and dropped before the 413. */
  static final int DRAIN_FACTOR = 16;

  private final Exchange exchange;
  private final int max;
  private final Consumer<byte[]> onBody;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private final @Nullable ScheduledFuture<?> deadline;
  private final long timeoutNs;
  private long dropped;
  private @Nullable ApiError tooLarge;
  private volatile boolean over;
  private boolean answeredEarly;

  private BodyReader(Exchange exchange, int max, long timeoutNs, ScheduledExecutorService timer,
      Consumer<byte[]> onBody) {
    this.exchange = exchange;
    this.max = max;
    this.onBody = onBody;
    this.timeoutNs = timeoutNs;
    this.deadline = timer.schedule(this::timedOut, timeoutNs, TimeUnit.NANOSECONDS);
  }

  /** Reads the body of {@code exchange}, then calls {@code onBody} (on a Jetty thread), or answers the error. */
  static void read(Exchange exchange, int max, long timeoutNs, ScheduledExecutorService timer,
      Consumer<byte[]> onBody) {
    long declared = exchange.request.getLength();
    BodyReader reader = new BodyReader(exchange, max, timeoutNs, timer, onBody);
    if (declared > max) {
      reader.tooLarge = tooLarge(declared + " bytes", max);
      if (declared > (long) max * DRAIN_FACTOR) {
        reader.early();
      }
    }
    reader.run();
  }

  private static ApiError tooLarge(String size, int max) {
    return new ApiError(ErrorCode.BODY_TOO_LARGE, "request body is " + size + " (expected: at most " + max
        + " bytes)");
  }

  /** Sends the 413 now and keeps dropping the body until it ends or the timeout passes. */
  private void early() {
    ApiError error = tooLarge;
    if (error != null && !answeredEarly) {
      answeredEarly = true;
      exchange.sendEarly(error.reply().with("Connection", "close"));
    }
  }

  private void run() {
    while (true) {
      if (over) {
        return;
      }
      Content.Chunk chunk = exchange.request.read();
      if (chunk == null) {
        exchange.request.demand(this::run);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        stop();
        exchange.send(new ApiError(ErrorCode.BAD_REQUEST, "request body could not be read: "
            + chunk.getFailure().getMessage()).reply().with("Connection", "close"));
        exchange.complete();
        return;
      }
      ByteBuffer buffer = chunk.getByteBuffer();
      int n = buffer.remaining();
      exchange.bodyBytes += n;
      if (tooLarge == null && body.size() + n > max) {
        tooLarge = tooLarge("more than " + max + " bytes", max);
      }
      if (tooLarge != null) {
        dropped += n;
        body.reset();
      } else {
        byte[] bytes = new byte[n];
        buffer.get(bytes);
        body.writeBytes(bytes);
      }
      boolean last = chunk.isLast();
      chunk.release();
      if (tooLarge != null && dropped > (long) max * DRAIN_FACTOR) {
        early();
      }
      if (last) {
        stop();
        if (answeredEarly) {
          exchange.complete();
        } else if (tooLarge != null) {
          exchange.send(tooLarge.reply());
        } else {
          onBody.accept(body.toByteArray());
        }
        return;
      }
    }
  }

  private synchronized boolean stopOnce() {
    if (over) {
      return false;
    }
    over = true;
    return true;
  }

  private void stop() {
    if (stopOnce() && deadline != null) {
      deadline.cancel(false);
    }
  }

  private void timedOut() {
    if (stopOnce()) {
      if (answeredEarly) {
        exchange.complete(); // the 413 is out; Connection: close ends the rest
        return;
      }
      exchange.send(Reply.error(ErrorCode.BODY_TIMEOUT, "the request body did not arrive within "
          + Errors.seconds(timeoutNs) + " (" + exchange.bodyBytes + " bytes came; expected: the whole body in time)", Map.of("Connection", "close")));
    }
  }
}

package dev.p2ptunnel.signaling.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request in progress and its one response: {@link #send} writes it (from any thread, once), then the access
 * log line and the metrics are written and the connection's header deadline starts again. Thread-safe.
 */
final class Exchange implements Responder {
  final Request request;
  private final Response response;
  private final Callback callback;
  final String address;
  final long startNs;
  private final Observer observer;
  private final AtomicBoolean sent = new AtomicBoolean();
  private final AtomicBoolean completed = new AtomicBoolean();
  private final CompletableFuture<Void> written = new CompletableFuture<>();
  private volatile Reply reply = Reply.error(dev.p2ptunnel.signaling.api.ErrorCode.INTERNAL_ERROR, "no reply",
      java.util.Map.of());
  private volatile long bytesOut;
  volatile long bodyBytes;

  /** Sees each exchange end. */
  interface Observer {
    void ended(Exchange exchange, Reply reply, long bytesOut, @org.jspecify.annotations.Nullable Throwable failure);
  }

  Exchange(Request request, Response response, Callback callback, String address, Observer observer) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.address = address;
    this.startNs = System.nanoTime();
    this.observer = observer;
  }

  @Override
  public void send(Reply reply) {
    if (sendEarly(reply)) {
      complete();
    }
  }

  /**
   * Writes {@code reply} (headers and the whole body) without ending the exchange, so that the request body can be
   * read on (and dropped) before {@link #complete()}: a client still sending a too-large body reads its 413 at once
   * rather than a reset. Returns false if a reply was already sent.
   */
  boolean sendEarly(Reply reply) {
    if (!sent.compareAndSet(false, true)) {
      return false;
    }
    this.reply = reply;
    boolean head = "HEAD".equals(request.getMethod());
    try {
      response.setStatus(reply.status());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
      if (reply.status() >= 400 && bodyBytes == 0 && hasBody()) {
        // Refused before its body was read: the server may have to close the connection after this reply to be rid
        // of the unread body, and a client that was not told so sends its next request on a dead connection
        // ("header parser received no bytes", seen once in SignalingServerTest after a 405 to a PUT with a body).
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
      bytesOut = head ? 0 : reply.body().length;
      response.write(false, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(reply.body()),
          Callback.from(() -> written.complete(null), written::completeExceptionally));
    } catch (RuntimeException e) {
      written.completeExceptionally(e);
    }
    return true;
  }

  private boolean hasBody() {
    return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > 0
        || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  /** Ends the exchange once the reply is written. */
  void complete() {
    if (!completed.compareAndSet(false, true)) {
      return;
    }
    Reply sentReply = reply;
    written.whenComplete((ok, error) -> {
      if (error != null) {
        callback.failed(error);
        observer.ended(this, sentReply, 0, error);
        return;
      }
      response.write(true, ByteBuffer.allocate(0), new Callback() {
        @Override
        public void succeeded() {
          callback.succeeded();
          observer.ended(Exchange.this, sentReply, bytesOut, null);
        }

        @Override
        public void failed(Throwable x) {
          callback.failed(x);
          observer.ended(Exchange.this, sentReply, 0, x);
        }
      });
    });
  }

  boolean sent() {
    return sent.get();
  }
}

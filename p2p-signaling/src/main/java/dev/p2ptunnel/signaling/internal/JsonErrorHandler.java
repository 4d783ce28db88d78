package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.api.ErrorCode;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The errors Jetty answers itself (a request it cannot parse: headers over the limit 431, a URI over it 414, a
 * malformed request line or URI, an unknown HTTP version or transfer coding 400; an exception that escaped a
 * handler 500) in the server's JSON form
 * {@code {"error", "message"}} rather than Jetty's HTML page. Thread-safe.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.signaling");

  private final int maxHeaderBytes;
  private final Metrics metrics;

  JsonErrorHandler(int maxHeaderBytes, Metrics metrics) {
    this.maxHeaderBytes = maxHeaderBytes;
    this.metrics = metrics;
  }

  /** Code and message for a status Jetty chose, with its reason. */
  Reply reply(int status, @Nullable String reason) {
    ErrorCode code = switch (status) {
      case 408 -> ErrorCode.HEADER_TIMEOUT;
      case 411 -> ErrorCode.LENGTH_REQUIRED;
      case 413 -> ErrorCode.BODY_TOO_LARGE;
      case 414 -> ErrorCode.URI_TOO_LONG;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 431 -> ErrorCode.HEADERS_TOO_LARGE;
      case 503 -> ErrorCode.SERVER_CLOSING;
      default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
    };
    String why = reason == null || reason.isBlank() ? "" : " (" + reason + ")";
    String message = switch (code) {
      case URI_TOO_LONG -> "request URI is too long: request line and headers take at most " + maxHeaderBytes
          + " bytes" + why;
      case HEADERS_TOO_LARGE -> "request headers are too large: request line and headers take at most "
          + maxHeaderBytes + " bytes" + why;
      case INTERNAL_ERROR -> "the signaling server failed on this request" + why;
      default -> "the request is not valid HTTP/1.1 the server accepts" + why;
    };
    return new Reply(status, Reply.error(code, message, Map.of()).body(), Map.of(), code);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    String message = (String) request.getAttribute(ERROR_MESSAGE);
    Throwable cause = (Throwable) request.getAttribute(ERROR_EXCEPTION);
    if (cause instanceof org.eclipse.jetty.http.HttpException http) {
      status = http.getCode();
      response.setStatus(status);
      if (message == null) {
        message = http.getReason();
      }
    } else if (cause != null && status >= 500) {
      LOG.log(Level.ERROR, "request failed inside Jetty (answered " + status + ")", cause);
    }
    if (status == 501 || status == 505) {
      // Jetty's parser says 505 for a request line it cannot read as HTTP/1.x and 501 for an unknown transfer
      // coding: both are the client's faults, which this server answers with a 4xx.
      status = 400;
      response.setStatus(status);
    }
    Reply reply = reply(status, message);
    metrics.rejected(reply.error() == null ? "bad_request" : reply.error().wire());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
    return true;
  }
}

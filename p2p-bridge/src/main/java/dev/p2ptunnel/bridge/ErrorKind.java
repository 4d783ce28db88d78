package dev.p2ptunnel.bridge;

import dev.p2ptunnel.protocol.ProtocolException;

/**
 * What went wrong, as counted in {@link BridgeStats#errors()}, reported to {@link BridgeListener#onError} and named
 * in the bridge's log lines. The first eleven are the peer's protocol errors, one for each
 * {@link ProtocolException.Reason} and named alike ({@link #of}). Immutable and thread-safe.
 */
public enum ErrorKind {
  /** Protocol: a message shorter than the frame header. */
  TRUNCATED,
  /** Protocol: {@code payload_size} above the maximum. */
  PAYLOAD_TOO_LARGE,
  /** Protocol: {@code payload_size} disagrees with the message length. */
  PAYLOAD_SIZE_MISMATCH,
  /** Protocol: {@code total_chunks} is zero. */
  ZERO_TOTAL_CHUNKS,
  /** Protocol: {@code chunk_index} not below {@code total_chunks}. */
  CHUNK_INDEX_OUT_OF_RANGE,
  /** Protocol: a chunk of a message arrived twice. */
  DUPLICATE_CHUNK,
  /** Protocol: {@code total_chunks} changed within a message. */
  TOTAL_CHUNKS_CHANGED,
  /** Protocol: the event changed within a message. */
  EVENT_CHANGED,
  /** Protocol: a frame for a socket the peer had closed. */
  SOCKET_CLOSED,
  /** Protocol: incomplete messages would exceed the reassembler's memory or count limits. */
  LIMIT_EXCEEDED,
  /** Protocol: a message's payload is not what its event requires (e.g. a WINDOW of 0). */
  BAD_PAYLOAD,

  /** The peer sent more DATA on a socket than its flow-control window allowed; the socket is closed. */
  WINDOW_EXCEEDED,
  /** The peer sent DATA on a socket after its FIN; the socket is closed. */
  DATA_AFTER_FIN,
  /** Host: a CONNECT for a socket that is still open; ignored. */
  DUPLICATE_CONNECT,
  /** A socket was closed because of one of the protocol errors above (counted in addition to it). */
  SOCKET_CLOSED_BY_ERROR,
  /**
   * A local application did not read fast enough: the bytes held for it would pass
   * {@link BridgeConfig#maxPendingBytesPerSocket()} or {@link BridgeConfig#maxPendingBytesTotal()}; the socket is
   * closed.
   */
  OVERFLOW,
  /**
   * The peer sent faster than the bridge processes: its inbound queue would pass
   * {@link BridgeConfig#maxInboundQueueBytes()} or {@link BridgeConfig#maxInboundQueueMessages()}; with
   * {@link BridgeConfig.InboundOverflow#CLOSE} the bridge closes.
   */
  INBOUND_OVERFLOW,
  /** Host: the service refused the connection or did not accept it within the connect timeout. */
  SERVICE_REFUSED,
  /** Client: accepting a local connection failed (e.g. out of file descriptors); accepting pauses briefly. */
  ACCEPT_FAILED,
  /** Client: all 65 536 socket ids are in use; the local connection is refused. */
  ID_EXHAUSTED,
  /** Reading from or writing to a local connection failed; the socket is closed. */
  LOCAL_IO,
  /**
   * Nothing arrived from the peer within the keepalive timeout: the bridge closes, or with the resume extension in use
   * it waits for the peer ({@link BridgeListener#onConnectionLost}).
   */
  KEEPALIVE_TIMEOUT,
  /**
   * Resume: a socket could not be carried over to a new channel and was closed: the peer no longer had it (it
   * restarted, or it closed the socket while the connection was lost), or the grace period passed
   * ({@link BridgeConfig#resumeGrace()}).
   */
  NOT_RESUMED,

  /**
   * A connection or datagram named a service that is not shared (or not with that protocol): host, a CONNECT refused
   * with the reason, never dialed, or a datagram dropped; client, a connection or datagram to a mapping whose service
   * the host does not share (any more), refused or dropped.
   */
  UNKNOWN_SERVICE,
  /** Host: a CONNECT beyond {@link PeerLimits#maxSockets()} open sockets of this client, refused with the reason. */
  SOCKET_LIMIT,
  /**
   * A control message beyond its {@link RateLimit} (CONNECT, CLOSE, PING, WINDOW): a CONNECT is refused, a PING not
   * answered, the others counted.
   */
  RATE_LIMITED,
  /** The peer kept on sending beyond a {@link RateLimit} (twice its burst): the bridge closes with the reason. */
  FLOOD,
  /** Client: the host refused or closed a socket and said why (its reason is the socket's close reason). */
  REFUSED_BY_PEER,
  /**
   * A UDP datagram longer than the datagram channel carries whole ({@link DatagramTransport#maxMessageLength()}
   * minus the datagram header); dropped.
   */
  DATAGRAM_TOO_LARGE,
  /**
   * A UDP datagram dropped on the way: the datagram channel is not open (the peer has none, or not yet), its queue is
   * full, the loop's datagram inbox is full, or the local UDP socket would not take it.
   */
  DATAGRAM_DROPPED,
  /** A datagram from a new source beyond {@link PeerLimits#maxFlows()} open flows; dropped. */
  FLOW_LIMIT;

  /** The kind of a protocol error: the constant of the same name. */
  public static ErrorKind of(ProtocolException.Reason reason) {
    switch (reason) {
      case TRUNCATED:
        return TRUNCATED;
      case PAYLOAD_TOO_LARGE:
        return PAYLOAD_TOO_LARGE;
      case PAYLOAD_SIZE_MISMATCH:
        return PAYLOAD_SIZE_MISMATCH;
      case ZERO_TOTAL_CHUNKS:
        return ZERO_TOTAL_CHUNKS;
      case CHUNK_INDEX_OUT_OF_RANGE:
        return CHUNK_INDEX_OUT_OF_RANGE;
      case DUPLICATE_CHUNK:
        return DUPLICATE_CHUNK;
      case TOTAL_CHUNKS_CHANGED:
        return TOTAL_CHUNKS_CHANGED;
      case EVENT_CHANGED:
        return EVENT_CHANGED;
      case SOCKET_CLOSED:
        return SOCKET_CLOSED;
      case LIMIT_EXCEEDED:
        return LIMIT_EXCEEDED;
      case BAD_PAYLOAD:
        return BAD_PAYLOAD;
      default:
        throw new IllegalArgumentException("reason: " + reason + " (expected: a known ProtocolException.Reason)");
    }
  }
}

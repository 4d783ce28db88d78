package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.SharedService;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One event of a tunnel end, as a {@link TunnelListener} receives it. {@link #kind()} says what happened and which
 * fields are set; the others are null, -1 or empty. Made by the tunnel only (a class rather than a record so that
 * fields can be added). Immutable and thread-safe.
 */
public final class TunnelEvent {
  /** What happened; each constant says on which end it happens and which fields it sets. */
  public enum Kind {
    /** Both: the tunnel is open (client: its channel is open and checked; host: its first client's is). */
    OPENED,
    /**
     * Both: the path is known or differs from the last one reported: {@link #path()} (looked at when the tunnel or a
     * client opens and whenever it comes back; host: with {@link #client()}).
     */
    PATH_CHANGED,
    /**
     * Client: the connection to the host is lost, every connection is kept: {@link #reason()},
     * {@link #needsPerson()}.
     */
    RECONNECTING,
    /** Client: a rejoin attempt failed: {@link #reason()}, {@link #retryIn()} (zero: no retry, offline). */
    REJOIN_FAILED,
    /** Client: the host is back: {@link #socketsResumed()}, {@link #socketsClosed()}. */
    RECONNECTED,
    /** Both: the tunnel closed and released everything; the last event: {@link #reason()}. */
    CLOSED,
    /** Client: the short authentication code to compare with the host's person: {@link #code()}. */
    SHORT_AUTH_STRING,
    /** Client: the host runs without the pairing extension (the original app): there is no code. */
    NO_SHORT_AUTH_STRING,
    /** Client: the host approved the join. */
    APPROVED,
    /** Client: the host's list of services arrived or changed: {@link #services()}. */
    SERVICES,
    /** Client: a mapping is in place: {@link #mappedPort()}. */
    MAPPED,
    /** Client: a mapping could not be made: {@link #mapping()}, {@link #reason()}. */
    MAPPING_FAILED,
    /** Host: a client was approved and is connecting: {@link #client()}. */
    CLIENT_JOINED,
    /** Host: a join request was refused: {@link #clientName()}, {@link #reason()} (what the client is told). */
    CLIENT_REJECTED,
    /** Host: an approved client's channel opened: {@link #client()}. */
    CLIENT_OPENED,
    /** Host: a client's connection is lost, its connections are kept: {@link #client()}, {@link #reason()}. */
    CLIENT_RECONNECTING,
    /** Host: a client whose connection was lost is back: {@link #client()}. */
    CLIENT_RECONNECTED,
    /** Host: a client left (its bridge closed): {@link #client()}, {@link #reason()}. */
    CLIENT_LEFT,
    /**
     * Both: a logical socket opened: {@link #socketId()}, {@link #address()} (client: the local application's;
     * host: the service's), host: {@link #client()}.
     */
    SOCKET_OPENED,
    /** Both: a logical socket closed: {@link #socketId()}, {@link #reason()}, host: {@link #client()}. */
    SOCKET_CLOSED,
    /**
     * Both: something went wrong and was counted in the bridge's statistics: {@link #errorKind()}, {@link #reason()}
     * (naming the field, the value and the limit where there is one), {@link #socketId()} (-1: the whole channel),
     * host: {@link #client()}.
     */
    ERROR
  }

  private final Kind kind;
  private final @Nullable ClientConnection client;
  private final @Nullable String clientName;
  private final String reason;
  private final @Nullable ErrorKind errorKind;
  private final int socketId;
  private final @Nullable SocketAddress address;
  private final @Nullable PathType path;
  private final @Nullable String code;
  private final boolean needsPerson;
  private final int socketsResumed;
  private final int socketsClosed;
  private final @Nullable Duration retryIn;
  private final List<SharedService> services;
  private final @Nullable MappedPort mappedPort;
  private final @Nullable Mapping mapping;

  private TunnelEvent(Builder b) {
    kind = b.kind;
    client = b.client;
    clientName = b.clientName != null ? b.clientName : b.client != null ? b.client.clientName() : null;
    reason = b.reason;
    errorKind = b.errorKind;
    socketId = b.socketId;
    address = b.address;
    path = b.path;
    code = b.code;
    needsPerson = b.needsPerson;
    socketsResumed = b.socketsResumed;
    socketsClosed = b.socketsClosed;
    retryIn = b.retryIn;
    services = b.services;
    mappedPort = b.mappedPort;
    mapping = b.mapping;
  }

  static Builder of(Kind kind) {
    return new Builder(kind);
  }

  /** What happened. */
  public Kind kind() {
    return kind;
  }

  /** Host: the client concerned, or null (a client tunnel's events, and the host's own). */
  public @Nullable ClientConnection client() {
    return client;
  }

  /** Host: the name of the client concerned (also of a refused one, which has no {@link #client()}), or null. */
  public @Nullable String clientName() {
    return clientName;
  }

  /** Why, in words: a close or refusal reason, what was lost, an error's message; empty when the kind has none. */
  public String reason() {
    return reason;
  }

  /** {@link Kind#ERROR}: what kind of error; else null. */
  public @Nullable ErrorKind errorKind() {
    return errorKind;
  }

  /** The socket concerned (socket events, and errors about one socket), or -1. */
  public int socketId() {
    return socketId;
  }

  /** {@link Kind#SOCKET_OPENED}: the local application's address (client) or the service's (host); else null. */
  public @Nullable SocketAddress address() {
    return address;
  }

  /** {@link Kind#PATH_CHANGED}: whether the peers talk directly or through a relay; else null. */
  public @Nullable PathType path() {
    return path;
  }

  /** {@link Kind#SHORT_AUTH_STRING}: the code; else null. */
  public @Nullable String code() {
    return code;
  }

  /**
   * {@link Kind#RECONNECTING}: whether a person must act (offline, a rejoin is a new token exchange); else false.
   */
  public boolean needsPerson() {
    return needsPerson;
  }

  /** {@link Kind#RECONNECTED}: connections that carry on with nothing lost; else 0. */
  public int socketsResumed() {
    return socketsResumed;
  }

  /** {@link Kind#RECONNECTED}: connections closed because the host no longer had them (it restarted); else 0. */
  public int socketsClosed() {
    return socketsClosed;
  }

  /** {@link Kind#REJOIN_FAILED}: when the next attempt follows (zero: none); else null. */
  public @Nullable Duration retryIn() {
    return retryIn;
  }

  /** {@link Kind#SERVICES}: the host's services; else empty. */
  public List<SharedService> services() {
    return services;
  }

  /** {@link Kind#MAPPED}: the mapping in place; else null. */
  public @Nullable MappedPort mappedPort() {
    return mappedPort;
  }

  /** {@link Kind#MAPPING_FAILED}: the mapping that could not be made; else null. */
  public @Nullable Mapping mapping() {
    return mapping;
  }

  /** The kind and the fields it sets, for logs. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("TunnelEvent[").append(kind);
    if (clientName != null) {
      s.append(", client=").append(clientName);
    }
    if (socketId >= 0) {
      s.append(", socket=").append(socketId);
    }
    if (errorKind != null) {
      s.append(", error=").append(errorKind);
    }
    if (!reason.isEmpty()) {
      s.append(", reason=").append(reason);
    }
    if (address != null) {
      s.append(", address=").append(address);
    }
    if (path != null) {
      s.append(", path=").append(path);
    }
    if (code != null) {
      s.append(", code=").append(code);
    }
    if (kind == Kind.RECONNECTED) {
      s.append(", resumed=").append(socketsResumed).append(", closed=").append(socketsClosed);
    }
    if (retryIn != null) {
      s.append(", retryIn=").append(retryIn);
    }
    if (!services.isEmpty()) {
      s.append(", services=").append(services);
    }
    if (mappedPort != null) {
      s.append(", mapped=").append(mappedPort);
    }
    if (mapping != null) {
      s.append(", mapping=").append(mapping);
    }
    return s.append(']').toString();
  }

  /** Assembles an event; the tunnel's own. Not thread-safe. */
  static final class Builder {
    private final Kind kind;
    private @Nullable ClientConnection client;
    private @Nullable String clientName;
    private String reason = "";
    private @Nullable ErrorKind errorKind;
    private int socketId = -1;
    private @Nullable SocketAddress address;
    private @Nullable PathType path;
    private @Nullable String code;
    private boolean needsPerson;
    private int socketsResumed;
    private int socketsClosed;
    private @Nullable Duration retryIn;
    private List<SharedService> services = List.of();
    private @Nullable MappedPort mappedPort;
    private @Nullable Mapping mapping;

    private Builder(Kind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
    }

    Builder client(@Nullable ClientConnection value) {
      client = value;
      return this;
    }

    Builder clientName(String value) {
      clientName = value;
      return this;
    }

    Builder reason(String value) {
      reason = Objects.requireNonNull(value, "reason");
      return this;
    }

    Builder error(ErrorKind kind, int socket, String message) {
      errorKind = kind;
      socketId = socket;
      reason = message;
      return this;
    }

    Builder socket(int id) {
      socketId = id;
      return this;
    }

    Builder address(SocketAddress value) {
      address = value;
      return this;
    }

    Builder path(PathType value) {
      path = value;
      return this;
    }

    Builder code(String value) {
      code = value;
      return this;
    }

    Builder needsPerson(boolean value) {
      needsPerson = value;
      return this;
    }

    Builder sockets(int resumed, int closed) {
      socketsResumed = resumed;
      socketsClosed = closed;
      return this;
    }

    Builder retryIn(Duration value) {
      retryIn = value;
      return this;
    }

    Builder services(List<SharedService> value) {
      services = List.copyOf(value);
      return this;
    }

    Builder mappedPort(MappedPort value) {
      mappedPort = value;
      return this;
    }

    Builder mapping(Mapping value) {
      mapping = value;
      return this;
    }

    TunnelEvent build() {
      return new TunnelEvent(this);
    }
  }
}

package dev.p2ptunnel.signaling.internal;

/** Sends the one response of one request; any thread may call it, only the first call counts. */
@FunctionalInterface
interface Responder {
  void send(Reply reply);
}

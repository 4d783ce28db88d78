package dev.p2ptunnel.rendezvous.internal;

/** Which way a message goes; each way has keys of its own, so a message reflected back is not authentic. */
public enum Direction {
  /** From the client that joins to the host. */
  CLIENT_TO_HOST,
  /** From the host to one client. */
  HOST_TO_CLIENT
}

package dev.p2ptunnel.webrtc;

/**
 * Decides whether a client may join a host, after seeing its name and the short authentication string both sides
 * will show. Called on the host tunnel's own accept thread, one request at a time, never on a native thread: it may
 * block, e.g. to ask a person.
 */
@FunctionalInterface
public interface JoinApprover {
  /** Approves every client: for hosts whose Session ID is the only secret, and for tests. */
  JoinApprover APPROVE_ALL = (clientName, shortAuthString) -> true;

  /**
   * @param clientName the name the client gave (not authenticated)
   * @param shortAuthString the code both sides show (see {@link ShortAuthString}); equal codes mean nobody sits
   *     between the two peers
   * @return whether the client may join
   * @throws InterruptedException when the host is closing while the decision is pending
   */
  boolean approve(String clientName, String shortAuthString) throws InterruptedException;
}

package dev.p2ptunnel.demo;

/**
 * The process exit codes, as documented in {@code p2p-tunnel --help} and the README.
 *
 * <p>Ctrl-C (SIGINT) and SIGTERM are a normal way to stop a host or a client: after every tunnel, socket and native
 * object is closed the process exits {@link #OK}, not 130/143. If closing takes longer than
 * {@link Shutdown#CLOSE_BUDGET_MS}, it exits {@link #FAILURE} anyway.
 */
final class ExitCodes {
  /** Done: {@code try} succeeded, {@code --help}, or stopped by Ctrl-C / SIGTERM after a clean shutdown. */
  static final int OK = 0;
  /**
   * Something failed at run time: the port is taken, the tunnel did not open, the peer went away (client), the join
   * was refused, signaling ended with no client left (host).
   */
  static final int FAILURE = 1;
  /** Bad usage: unknown option, missing or malformed value; one line on stderr says which. */
  static final int USAGE = 2;

  private ExitCodes() {}
}

package dev.p2ptunnel.demo;

/**
 * A run-time failure the user can act on: its message is the one line printed (what went wrong and what to do),
 * without a stack trace. Exits with {@link ExitCodes#FAILURE}.
 */
final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message);
  }

  UserError(String message, Throwable cause) {
    super(message, cause);
  }
}

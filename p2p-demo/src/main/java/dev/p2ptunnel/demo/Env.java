package dev.p2ptunnel.demo;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * What a command runs against: the process's streams (or a test's), whether standard output is a terminal, and the
 * shutdown coordinator. Immutable.
 *
 * @param out standard output
 * @param err standard error
 * @param in standard input (offline tokens, approval answers)
 * @param terminal whether a person is at an interactive terminal ({@code System.console() != null})
 * @param shutdown closes what commands open, on a signal or at the end
 */
record Env(PrintStream out, PrintStream err, InputStream in, boolean terminal, Shutdown shutdown) {}

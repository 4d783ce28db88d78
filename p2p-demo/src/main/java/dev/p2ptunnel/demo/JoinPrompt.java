package dev.p2ptunnel.demo;

/**
 * Decides whether a client may join, given the name it gave and the short authentication code. Same shape as the
 * library's coming {@code JoinApprover}, so it plugs into {@code HostOptions.Builder.approver(...)} unchanged. May
 * block (it asks a person); called on a thread of its own.
 */
@FunctionalInterface
interface JoinPrompt {
  boolean approve(String clientName, String shortAuthCode) throws InterruptedException;
}

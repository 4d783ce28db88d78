package dev.p2ptunnel.demo;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Lines typed or pasted on standard input, handed out one by one: to a prompt's answer request first (a person
 * answering "Allow?" while the offline host also waits for the next token), else to whoever asked first. One daemon
 * thread reads (a blocked read must never hold up shutdown); a request that is cancelled before a line arrives does
 * not consume one. After end of input every request fails with an {@link EOFException}. Thread-safe.
 */
final class ConsoleInput {
  private final Deque<String> buffered = new ArrayDeque<>();
  private final Deque<CompletableFuture<String>> waiting = new ArrayDeque<>();
  private final Deque<CompletableFuture<String>> answers = new ArrayDeque<>();
  private final InputStream in;
  private @Nullable IOException ended;
  private boolean started;
  private long delivered;

  ConsoleInput(InputStream in) {
    this.in = in;
  }

  /** The next line, without its line break; fails with EOFException once input has ended. */
  synchronized CompletableFuture<String> nextLine() {
    return request(waiting);
  }

  /** The next line for a prompt's answer: served before {@link #nextLine()} requests. */
  synchronized CompletableFuture<String> nextAnswer() {
    return request(answers);
  }

  /** Hands {@code line} to the next {@link #nextLine()} request (a token typed where an answer was expected). */
  synchronized void giveBack(String line) {
    CompletableFuture<String> request;
    while ((request = waiting.poll()) != null) {
      if (request.complete(line)) {
        return;
      }
    }
    buffered.addFirst(line);
  }

  private CompletableFuture<String> request(Deque<CompletableFuture<String>> queue) {
    startReader();
    String line = buffered.poll();
    if (line != null) {
      return CompletableFuture.completedFuture(line);
    }
    if (ended != null) {
      return CompletableFuture.failedFuture(ended);
    }
    CompletableFuture<String> request = new CompletableFuture<>();
    queue.add(request);
    return request;
  }

  private void startReader() {
    if (!started) {
      started = true;
      Thread reader = new Thread(this::read, "p2p-tunnel-stdin");
      reader.setDaemon(true);
      reader.start();
    }
  }

  private void read() {
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    IOException end;
    try {
      String line;
      while ((line = lines.readLine()) != null) {
        deliver(line);
      }
      end = new EOFException("standard input closed");
    } catch (IOException e) {
      end = new EOFException("standard input failed: " + e.getMessage());
    }
    finish(end);
  }

  /** How many lines the reader has handed out or buffered so far (for tests that must know a line arrived). */
  synchronized long delivered() {
    return delivered;
  }

  private synchronized void deliver(String line) {
    delivered++;
    CompletableFuture<String> request;
    while ((request = answers.poll()) != null) {
      if (request.complete(line)) {
        return;
      }
    }
    while ((request = waiting.poll()) != null) {
      if (request.complete(line)) {
        return;
      }
    }
    buffered.add(line);
  }

  private synchronized void finish(IOException end) {
    ended = end;
    CompletableFuture<String> request;
    while ((request = answers.poll()) != null) {
      request.completeExceptionally(end);
    }
    while ((request = waiting.poll()) != null) {
      request.completeExceptionally(end);
    }
  }
}

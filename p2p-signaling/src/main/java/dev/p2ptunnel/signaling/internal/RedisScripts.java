package dev.p2ptunnel.signaling.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Lua scripts of the Redis store (resources {@code redis/*.lua}, each with {@code prelude.lua} in front), run by
 * their SHA-1 ({@code EVALSHA}); a Redis that does not know one yet (first use, or a restart) gets its text
 * ({@code EVAL}, which also caches it). Immutable and thread-safe.
 */
final class RedisScripts {
  enum Script { CREATE, DELETE, EVENTS, STATUS, JOIN, STEP, SWEEP }

  private final String[] texts = new String[Script.values().length];
  private final String[] shas = new String[Script.values().length];

  RedisScripts() {
    String prelude = resource("prelude");
    for (Script script : Script.values()) {
      String text = prelude + "\n" + resource(script.name().toLowerCase(java.util.Locale.ROOT));
      texts[script.ordinal()] = text;
      shas[script.ordinal()] = sha1(text);
    }
  }

  private static String resource(String name) {
    try (InputStream in = RedisScripts.class.getResourceAsStream("redis/" + name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("redis/" + name + ".lua is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }

  /** Runs {@code script} with {@code args}; completes with its result list. */
  CompletableFuture<List<Object>> run(RedisAsyncCommands<String, String> redis, Script script, String key,
      String... args) {
    String[] keys = {key};
    CompletableFuture<List<Object>> bySha = redis.<List<Object>>evalsha(shas[script.ordinal()], ScriptOutputType.MULTI,
        keys, args).toCompletableFuture();
    return bySha.handle((result, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(result);
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof RedisNoScriptException) {
        return redis.<List<Object>>eval(texts[script.ordinal()], ScriptOutputType.MULTI, keys, args)
            .toCompletableFuture();
      }
      return CompletableFuture.<List<Object>>failedFuture(cause);
    }).thenCompose(f -> f);
  }
}

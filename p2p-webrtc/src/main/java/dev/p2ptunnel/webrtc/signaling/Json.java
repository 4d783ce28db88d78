package dev.p2ptunnel.webrtc.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The one JSON mapper of server and clients (tree model only: every field is checked here, by name), and field
 * readers whose errors name the field, what it was and what was expected. Thread-safe.
 */
final class Json {
  static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final AtomicBoolean WARMING = new AtomicBoolean();

  private Json() {}

  /**
   * Once per JVM, writes and parses a small tree on a short-lived daemon thread: Jackson's first use costs ~150 ms
   * of class loading on the reference machine, which a client would otherwise pay between the end of ICE gathering
   * and its join request, a host before it can create its session. The host starts it before building its HTTP
   * client, the client once that is built: it then overlaps the HTTP client's creation (host) or ICE gathering
   * (client) instead.
   */
  static void warmUpInBackground() {
    if (!WARMING.compareAndSet(false, true)) {
      return;
    }
    Thread thread = new Thread(() -> {
      try {
        parseObject(bytes(object().put("warm", "up")), false);
      } catch (RuntimeException ignored) {
        // only a warm-up: the real call reports whatever is wrong
      }
    }, "p2p-tunnel-json-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static byte[] bytes(ObjectNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Parses a request body that must be one JSON object; an empty body is an empty object when {@code emptyIsEmpty}.
   *
   * @throws ApiError 400 bad_json saying what is wrong and where
   */
  static ObjectNode parseObject(byte[] body, boolean emptyIsEmpty) {
    if (body.length == 0 && emptyIsEmpty) {
      return object();
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ApiError(400, "bad_json", "body is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")"));
    } catch (IOException e) {
      throw new ApiError(400, "bad_json", "body is not valid JSON: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw new ApiError(400, "bad_json", "body is empty (expected: a JSON object)");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new ApiError(400, "bad_json", "body is " + describe(node) + " (expected: a JSON object)");
    }
    return object;
  }

  /** A required string of 1..{@code maxChars} characters without control characters other than CR, LF, TAB. */
  static String string(ObjectNode body, String field, int maxChars, boolean multiline) {
    String value = optionalString(body, field, maxChars, multiline);
    if (value == null) {
      throw ApiError.missingField(field, "a string");
    }
    return value;
  }

  static @Nullable String optionalString(ObjectNode body, String field, int maxChars, boolean multiline) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw ApiError.badField(field, describe(node) + " (expected: a string)");
    }
    String value = node.textValue();
    if (value.isEmpty()) {
      throw ApiError.badField(field, "empty (expected: 1.." + maxChars + " characters)");
    }
    if (value.length() > maxChars) {
      throw ApiError.badField(field, value.length() + " characters (expected: at most " + maxChars + ")");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed = c >= 0x20 && c != 0x7F || multiline && (c == '\r' || c == '\n' || c == '\t');
      if (!allowed) {
        throw ApiError.badField(field, String.format(Locale.ROOT,
            "control character U+%04X at index %d (expected: printable text)", (int) c, i));
      }
    }
    return value;
  }

  /** An optional integer in {@code min..max}; {@code fallback} when absent. */
  static int integer(ObjectNode body, String field, int min, int max, int fallback) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw ApiError.badField(field, describe(node) + " (expected: an integer " + min + ".." + max + ")");
    }
    int value = node.intValue();
    if (value < min || value > max) {
      throw ApiError.badField(field, value + " (expected: an integer " + min + ".." + max + ")");
    }
    return value;
  }

  /** The JSON type of a value with a short sample: {@code a number (2.5)}, {@code a string ("two")}. */
  static String describe(JsonNode node) {
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case STRING -> "a string (" + Ids.quote(node.textValue()) + ")";
      case NUMBER -> "a number (" + Ids.quote(node.asText()) + ")";
      case BOOLEAN -> "a boolean (" + node.booleanValue() + ")";
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case NULL -> "null";
      default -> Ids.lower(type.name());
    };
  }
}

package dev.p2ptunnel.signaling.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one JSON mapper of server and clients and the strict readers of body fields, whose errors name the field,
 * what it was and what was expected. Tree model only: no data binding, so no package is opened to Jackson; the
 * parser refuses duplicate keys, trailing tokens and nesting deeper than 16. Thread-safe.
 */
public final class JsonBodies {
  /** Nesting deeper than this in a body is refused: no body of the protocol nests more than 3 levels. */
  public static final int MAX_NESTING = 16;

  private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build()).build())
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private JsonBodies() {}

  /** A new empty object node. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The UTF-8 JSON text of {@code node}. */
  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Parses JSON of any shape, or returns null if it is not JSON (for clients reading a reply that may be anything).
   */
  public static @Nullable JsonNode tryParse(byte[] body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Parses a body that must be one JSON object; an empty body is an empty object when {@code emptyIsEmpty}.
   *
   * @throws BodyException bad_json saying what is wrong and where
   */
  public static ObjectNode parseObject(byte[] body, boolean emptyIsEmpty) {
    if (body.length == 0 && emptyIsEmpty) {
      return object();
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BodyException(ErrorCode.BAD_JSON, "body is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")"));
    } catch (IOException e) {
      throw new BodyException(ErrorCode.BAD_JSON, "body is not valid JSON: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw new BodyException(ErrorCode.BAD_JSON, "body is empty (expected: a JSON object)");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new BodyException(ErrorCode.BAD_JSON, "body is " + describe(node) + " (expected: a JSON object)");
    }
    return object;
  }

  /** A required string of 1..{@code maxChars} characters without control characters other than CR, LF, TAB. */
  public static String string(ObjectNode body, String field, int maxChars, boolean multiline) {
    String value = optionalString(body, field, maxChars, multiline);
    if (value == null) {
      throw new BodyException(ErrorCode.MISSING_FIELD, field + ": missing (expected: a string)");
    }
    return value;
  }

  /** Like {@link #string} but null when the field is absent or null. */
  public static @Nullable String optionalString(ObjectNode body, String field, int maxChars, boolean multiline) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw BodyException.badField(field, describe(node) + " (expected: a string)");
    }
    String value = node.textValue();
    if (value.isEmpty()) {
      throw BodyException.badField(field, "empty (expected: 1.." + maxChars + " characters)");
    }
    if (value.length() > maxChars) {
      throw BodyException.badField(field, value.length() + " characters (expected: at most " + maxChars + ")");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed = c >= 0x20 && c != 0x7F || multiline && (c == '\r' || c == '\n' || c == '\t');
      if (!allowed) {
        throw BodyException.badField(field, String.format(Locale.ROOT,
            "control character U+%04X at index %d (expected: printable text)", (int) c, i));
      }
    }
    return value;
  }

  /** An optional integer in {@code min..max}; {@code fallback} when absent. */
  public static int integer(ObjectNode body, String field, int min, int max, int fallback) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw BodyException.badField(field, describe(node) + " (expected: an integer " + min + ".." + max + ")");
    }
    int value = node.intValue();
    if (value < min || value > max) {
      throw BodyException.badField(field, value + " (expected: an integer " + min + ".." + max + ")");
    }
    return value;
  }

  /** An optional base64url (no padding) field of {@code min..max} bytes; the text as sent, or null. */
  public static @Nullable String optionalBytes(ObjectNode body, String field, int min, int max) {
    String text = optionalString(body, field, (max * 4 + 2) / 3, false);
    if (text != null) {
      decodeBytes(field, text, min, max);
    }
    return text;
  }

  /** A required base64url (no padding) field of {@code min..max} bytes; the text as sent. */
  public static String bytes(ObjectNode body, String field, int min, int max) {
    String text = optionalBytes(body, field, min, max);
    if (text == null) {
      throw new BodyException(ErrorCode.MISSING_FIELD, field + ": missing (expected: a string)");
    }
    return text;
  }

  /** Decodes base64url text of {@code min..max} bytes, or throws naming the field. */
  public static byte[] decodeBytes(String field, String text, int min, int max) {
    String expected = (min == max ? Integer.toString(min) : min + ".." + max) + " bytes, base64url without padding";
    byte[] value;
    try {
      value = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw BodyException.badField(field, SessionIds.quote(text) + " is not base64url (expected: " + expected + ")");
    }
    if (value.length < min || value.length > max || text.endsWith("=")) {
      throw BodyException.badField(field, value.length + " bytes (expected: " + expected + ")");
    }
    return value;
  }

  /** The JSON type of a value with a short sample: {@code a number ("2.5")}, {@code a string ("two")}. */
  public static String describe(JsonNode node) {
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case STRING -> "a string (" + SessionIds.quote(node.textValue()) + ")";
      case NUMBER -> "a number (" + SessionIds.quote(node.asText()) + ")";
      case BOOLEAN -> "a boolean (" + node.booleanValue() + ")";
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case NULL -> "null";
      default -> type.name().toLowerCase(Locale.ROOT);
    };
  }
}

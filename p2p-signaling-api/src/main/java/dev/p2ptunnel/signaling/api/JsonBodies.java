package dev.p2ptunnel.signaling.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one JSON reader and writer of server and clients and the strict readers of body fields, whose errors name the
 * field, what it was and what was expected. Tree model only: no data binding, so no package is opened to Jackson; the
 * parser refuses duplicate keys, trailing tokens and nesting deeper than 16. Thread-safe.
 *
 * <p>Trees are read and written with Jackson's streaming parser and generator and its node classes, without an
 * {@code ObjectMapper}: the mapper's first use loads ~400 classes (serializer and deserializer factories, type
 * introspection) that a handful of small bodies never need, ~150 ms on the way to a host's Session ID and a client's
 * join on a 2-core machine (docs/PERFORMANCE.md, "Start, step by step").
 */
public final class JsonBodies {
  /** Nesting deeper than this in a body is refused: no body of the protocol nests more than 3 levels. */
  public static final int MAX_NESTING = 16;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonBodies() {}

  /** A new empty object node. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** The UTF-8 JSON text of {@code node}. */
  public static byte[] bytes(JsonNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      write(generator, node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a JSON tree: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator out, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        out.writeStartObject();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          out.writeFieldName(field.getKey());
          write(out, field.getValue());
        }
        out.writeEndObject();
      }
      case ARRAY -> {
        out.writeStartArray();
        for (JsonNode element : node) {
          write(out, element);
        }
        out.writeEndArray();
      }
      case STRING -> out.writeString(node.textValue());
      case NUMBER -> {
        switch (node.numberType()) {
          case INT -> out.writeNumber(node.intValue());
          case LONG -> out.writeNumber(node.longValue());
          case BIG_INTEGER -> out.writeNumber(node.bigIntegerValue());
          case BIG_DECIMAL -> out.writeNumber(node.decimalValue());
          case FLOAT -> out.writeNumber(node.floatValue());
          default -> out.writeNumber(node.doubleValue());
        }
      }
      case BOOLEAN -> out.writeBoolean(node.booleanValue());
      case NULL -> out.writeNull();
      case BINARY -> out.writeBinary(node.binaryValue());
      default -> throw new IOException("a " + node.getNodeType() + " node cannot be written as JSON");
    }
  }

  /**
   * Reads one JSON value and nothing after it; null for an empty body. Duplicate keys and nesting deeper than
   * {@link #MAX_NESTING} are refused by the parser (messages as Jackson's: "Duplicate field 'a'").
   */
  private static @Nullable JsonNode read(byte[] body) throws IOException {
    try (JsonParser parser = FACTORY.createParser(body)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return null;
      }
      JsonNode root = null;
      ArrayDeque<ContainerNode<?>> open = new ArrayDeque<>();
      String field = null;
      for (; token != null; token = open.isEmpty() ? null : parser.nextToken()) {
        JsonNode value;
        switch (token) {
          case FIELD_NAME -> {
            field = parser.currentName();
            continue;
          }
          case END_OBJECT, END_ARRAY -> {
            open.pop();
            continue;
          }
          case START_OBJECT -> value = NODES.objectNode();
          case START_ARRAY -> value = NODES.arrayNode();
          case VALUE_STRING -> value = NODES.textNode(parser.getText());
          case VALUE_NUMBER_INT -> value = switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
          };
          case VALUE_NUMBER_FLOAT -> value = NODES.numberNode(parser.getDoubleValue());
          case VALUE_TRUE -> value = NODES.booleanNode(true);
          case VALUE_FALSE -> value = NODES.booleanNode(false);
          case VALUE_NULL -> value = NODES.nullNode();
          default -> throw new JsonParseException(parser, "unexpected token " + token);
        }
        ContainerNode<?> parent = open.peek();
        if (parent == null) {
          root = value;
        } else if (parent instanceof ObjectNode object) {
          object.set(java.util.Objects.requireNonNull(field, "field"), value);
        } else {
          ((ArrayNode) parent).add(value);
        }
        if (value instanceof ContainerNode<?> container) {
          open.push(container);
        }
      }
      if (parser.nextToken() != null) {
        throw new JsonParseException(parser, "Trailing token (of type " + parser.currentToken()
            + ") found after value");
      }
      return root;
    }
  }

  /**
   * Parses JSON of any shape, or returns null if it is not JSON (for clients reading a reply that may be anything).
   */
  public static @Nullable JsonNode tryParse(byte[] body) {
    try {
      return read(body);
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
      node = read(body);
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

package dev.evently.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;

/**
 * A strictly validated JSON object request body. Every problem is an {@link ApiException} 400
 * naming the field: not JSON, not an object, an unknown or missing field, a value of the wrong
 * type, a blank text or one with control characters, an amount that is not a positive decimal with at most two places.
 */
public final class JsonRequest {
  /** Amounts above this are refused (they are money for a demo, not national debts). */
  public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private final ObjectNode body;

  private JsonRequest(ObjectNode body) {
    this.body = body;
  }

  /**
   * Reads the body of {@code request} (at most {@code limit} bytes, see {@link RequestBodies}) as
   * one JSON object whose field names are all in {@code allowed}.
   */
  public static JsonRequest read(
      HttpServletRequest request, HttpServletResponse response, int limit, Set<String> allowed) throws IOException {
    return parse(RequestBodies.read(request, response, limit), allowed);
  }

  /** Parses {@code bytes} as one JSON object whose field names are all in {@code allowed}. */
  public static JsonRequest parse(byte[] bytes, Set<String> allowed) {
    JsonNode node;
    try {
      node = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage(), null);
    }
    if (node == null || node.isMissingNode()) {
      throw ApiException.badRequest("request body is empty; a JSON object is required", null);
    }
    if (!node.isObject()) {
      throw ApiException.badRequest("request body must be a JSON object", null);
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw ApiException.badRequest("unknown field", name);
      }
    }
    return new JsonRequest((ObjectNode) node);
  }

  /**
   * A required non-blank string of at most {@code maxLength} characters without control
   * characters (line breaks in a logged value would forge log lines), trimmed.
   */
  public String text(String field, int maxLength) {
    JsonNode value = require(field);
    if (!value.isTextual()) {
      throw ApiException.badRequest(field + " must be a string", field);
    }
    String text = value.asText().trim();
    if (text.isEmpty()) {
      throw ApiException.badRequest(field + " must not be blank", field);
    }
    if (text.length() > maxLength) {
      throw ApiException.badRequest(field + " must be at most " + maxLength + " characters", field);
    }
    if (text.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest(field + " must not contain control characters", field);
    }
    return text;
  }

  /**
   * An optional string (null when absent or JSON null) of at most {@code maxBytes} UTF-8 bytes,
   * taken as it is: free text, line breaks included (never log it).
   */
  public String optionalText(String field, int maxBytes) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest(field + " must be a string", field);
    }
    String text = value.asText();
    if ((long) text.length() > maxBytes / 3 && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxBytes) {
      throw ApiException.badRequest(field + " must be at most " + maxBytes + " bytes (UTF-8)", field);
    }
    return text;
  }

  /** A required JSON number, greater than zero, at most two decimal places, below {@link #MAX_AMOUNT}. */
  public BigDecimal amount(String field) {
    JsonNode value = require(field);
    if (!value.isNumber()) {
      throw ApiException.badRequest(field + " must be a number", field);
    }
    BigDecimal amount = value.decimalValue();
    if (amount.signum() <= 0) {
      throw ApiException.badRequest(field + " must be greater than 0", field);
    }
    if (amount.stripTrailingZeros().scale() > 2) {
      throw ApiException.badRequest(field + " must have at most 2 decimal places", field);
    }
    if (amount.compareTo(MAX_AMOUNT) > 0) {
      throw ApiException.badRequest(field + " must be at most " + MAX_AMOUNT.toPlainString(), field);
    }
    return amount.setScale(2);
  }

  private JsonNode require(String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      throw ApiException.badRequest(field + " is required", field);
    }
    return value;
  }
}

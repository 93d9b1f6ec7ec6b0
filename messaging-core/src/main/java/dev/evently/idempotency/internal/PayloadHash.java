package dev.evently.idempotency.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 (hex) of an event's data as JSON, to tell a true duplicate from a reused id. */
public final class PayloadHash {
  private static final ObjectMapper MAPPER = EventCodec.defaultMapper();

  private PayloadHash() {}

  public static String of(Event<?> event) {
    try {
      byte[] json = MAPPER.writeValueAsString(event.data()).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("data of event " + event.id() + " cannot be serialized", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

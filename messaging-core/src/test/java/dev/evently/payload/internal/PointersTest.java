package dev.evently.payload.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.payload.PayloadFailure;
import dev.evently.payload.PayloadLocation;
import dev.evently.payload.internal.Pointers.Found;
import dev.evently.payload.internal.Pointers.Format;
import dev.evently.payload.internal.Pointers.Invalid;
import dev.evently.payload.internal.Pointers.NotAPointer;
import dev.evently.payload.internal.Pointers.Pointer;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pointer format and every check around the fetch, without S3. */
class PointersTest {
  private static final String EVENT =
      "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"orders\",\"type\":\"com.example.note\",\"subject\":\"o-1\","
          + "\"time\":\"2026-01-01T00:00:00Z\",\"datacontenttype\":\"application/json\",\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\","
          + "\"tenant\":\"acme\",\"data\":{\"text\":\"secret-value\"}}";
  private static final PayloadLocation LOCATION = new PayloadLocation("payloads", "events/abc");
  private static final byte[] BYTES = Pointers.utf8(EVENT);
  private static final String SHA = Pointers.sha256Hex(BYTES);

  @Test
  void pointerKeepsTheEventsAttributesAndDropsItsData() {
    String pointer = Pointers.pointerBody(EVENT, LOCATION, BYTES.length, SHA);

    assertThat(pointer)
        .contains("\"id\":\"e-1\"", "\"type\":\"com.example.note\"", "\"subject\":\"o-1\"", "\"tenant\":\"acme\"",
            "\"traceparent\":\"00-", "\"dataref\":\"s3://payloads/events/abc\"", "\"payloadsize\":" + BYTES.length,
            "\"payloadsha256\":\"" + SHA + "\"")
        .doesNotContain("\"data\"", "secret-value");
  }

  @Test
  void ourPointerIsFoundRaw() {
    String pointer = Pointers.pointerBody(EVENT, LOCATION, BYTES.length, SHA);

    Found found = (Found) Pointers.detect(pointer, Map.of("event-type", "com.example.note"));

    assertThat(found.pointer()).isEqualTo(new Pointer(Format.EVENTLY, LOCATION, BYTES.length, SHA, "e-1", "com.example.note"));
    assertThat(found.attributes()).containsEntry("event-type", "com.example.note");
    assertThat(found.deliveredAt()).isNull();
  }

  @Test
  void ourPointerIsFoundInsideAnSnsNotification() {
    String pointer = Pointers.pointerBody(EVENT, LOCATION, BYTES.length, SHA);
    String wrapped = "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\","
        + "\"Message\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(pointer) + ",\"Timestamp\":\"2026-01-01T00:00:01Z\","
        + "\"MessageAttributes\":{\"event-type\":{\"Type\":\"String\",\"Value\":\"com.example.note\"}}}";

    Found found = (Found) Pointers.detect(wrapped, Map.of());

    assertThat(found.pointer().location()).isEqualTo(LOCATION);
    assertThat(found.attributes()).containsEntry("event-type", "com.example.note");
    assertThat(found.deliveredAt()).isEqualTo(Instant.parse("2026-01-01T00:00:01Z"));
  }

  @Test
  void extendedClientsPointerIsFoundWithItsSizeAttribute() {
    String body = "[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\"payloads\",\"s3Key\":\"k-1\"}]";

    Found found = (Found) Pointers.detect(body, Map.of("ExtendedPayloadSize", "1234"));
    Found legacy = (Found) Pointers.detect(body, Map.of("SQSLargePayloadSize", "99"));
    Found unsized = (Found) Pointers.detect(body, Map.of());

    assertThat(found.pointer()).isEqualTo(new Pointer(Format.EXTENDED_CLIENT, new PayloadLocation("payloads", "k-1"), 1234, null, null, null));
    assertThat(legacy.pointer().size()).isEqualTo(99);
    assertThat(unsized.pointer().size()).isEqualTo(-1);
  }

  @Test
  void ordinaryMessagesAreNotPointers() {
    assertThat(Pointers.detect(EVENT, Map.of())).isInstanceOf(NotAPointer.class);
    assertThat(Pointers.detect("not json", Map.of())).isInstanceOf(NotAPointer.class);
    assertThat(Pointers.detect("{\"text\":\"mentions dataref\"}", Map.of())).isInstanceOf(NotAPointer.class);
    // a dataref beside inline data is only informational
    assertThat(Pointers.detect(EVENT.replace("\"tenant\"", "\"dataref\":\"s3://b/k\",\"tenant\""), Map.of()))
        .isInstanceOf(NotAPointer.class);
  }

  @Test
  void brokenPointersAreInvalidNamingTheField() {
    String pointer = Pointers.pointerBody(EVENT, LOCATION, BYTES.length, SHA);

    assertThat(invalid(pointer.replace("s3://payloads/events/abc", "https://example.com/x"))).startsWith("PAYLOAD_INVALID_POINTER: dataref:");
    assertThat(invalid(pointer.replace("\"payloadsize\":" + BYTES.length, "\"payloadsize\":\"big\""))).contains("payloadsize:");
    assertThat(invalid(pointer.replace(SHA, "XYZ"))).contains("payloadsha256:");
    assertThat(invalid("[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\"\"}]")).contains("s3BucketName/s3Key");
    assertThat(((Invalid) Pointers.detect("[\"software.amazon.payloadoffloading.PayloadS3Pointer\",{\"s3BucketName\":\"b\",\"s3Key\":\"k\"}]",
        Map.of("ExtendedPayloadSize", "lots"))).error().getMessage()).contains("ExtendedPayloadSize");
  }

  @Test
  void aForeignBucketIsRefusedBeforeAnyFetch() {
    Pointer p = new Pointer(Format.EVENTLY, new PayloadLocation("someone-elses", "k"), 10, SHA, "e-1", "t");

    assertThat(Pointers.beforeFetch(p, Set.of("payloads"), 1000).failure()).isEqualTo(PayloadFailure.FOREIGN_BUCKET);
    assertThat(Pointers.beforeFetch(p, Set.of("payloads"), 1000).getMessage()).doesNotContain("someone-elses");
    assertThat(Pointers.beforeFetch(p, Set.of("payloads", "someone-elses"), 1000)).isNull();
  }

  @Test
  void aPointerOverTheCodecsLimitIsRefusedBeforeAnyFetch() {
    Pointer p = new Pointer(Format.EVENTLY, LOCATION, 2_000_000, SHA, "e-1", "t");

    assertThat(Pointers.beforeFetch(p, Set.of("payloads"), 1_048_576).failure()).isEqualTo(PayloadFailure.TOO_LARGE);
  }

  @Test
  void theObjectMustHaveThePointersSizeAndDigest() {
    Pointer p = new Pointer(Format.EVENTLY, LOCATION, BYTES.length, SHA, "e-1", "com.example.note");
    byte[] tampered = Pointers.utf8(EVENT.replace("secret-value", "secret-valuf"));
    byte[] shorter = Pointers.utf8(EVENT.replace("secret-value", "secret"));

    assertThat(Pointers.afterFetch(p, BYTES, 1 << 20)).isNull();
    assertThat(Pointers.afterFetch(p, tampered, 1 << 20).failure()).isEqualTo(PayloadFailure.SHA256_MISMATCH);
    assertThat(Pointers.afterFetch(p, shorter, 1 << 20).failure()).isEqualTo(PayloadFailure.SIZE_MISMATCH);
    assertThat(Pointers.afterFetch(p, tampered, 1 << 20).getMessage())
        .isEqualTo("PAYLOAD_SHA256_MISMATCH: payloadsha256: the object's SHA-256 differs from the pointer's");
  }

  @Test
  void anExtendedClientObjectWithoutSizeIsCappedByTheLimit() {
    Pointer p = new Pointer(Format.EXTENDED_CLIENT, LOCATION, -1, null, null, null);

    assertThat(Pointers.afterFetch(p, BYTES, BYTES.length)).isNull();
    assertThat(Pointers.afterFetch(p, BYTES, BYTES.length - 1).failure()).isEqualTo(PayloadFailure.TOO_LARGE);
  }

  @Test
  void theObjectMustHoldTheEventThePointerNames() {
    Pointer p = new Pointer(Format.EVENTLY, LOCATION, BYTES.length, SHA, "e-1", "com.example.note");

    assertThat(Pointers.sameEvent(p, "e-1", "com.example.note")).isNull();
    assertThat(Pointers.sameEvent(p, "e-2", "com.example.note").failure()).isEqualTo(PayloadFailure.EVENT_MISMATCH);
    assertThat(Pointers.sameEvent(p, "e-1", "other").getMessage()).contains("type:");
  }

  @Test
  void locationsParseOnlyS3BucketAndKey() {
    assertThat(PayloadLocation.parse("s3://b/k/with/slashes")).contains(new PayloadLocation("b", "k/with/slashes"));
    assertThat(PayloadLocation.parse("s3://b/")).isEmpty();
    assertThat(PayloadLocation.parse("s3:///k")).isEmpty();
    assertThat(PayloadLocation.parse("https://b/k")).isEmpty();
  }

  private static String invalid(String body) {
    return ((Invalid) Pointers.detect(body, Map.of())).error().getMessage();
  }
}

package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * R8, large events end to end: orders whose note makes their OrderCreated larger than SNS's 256
 * KiB, among ordinary ones, with all three services running on the topology's payload bucket
 * ({@code PAYLOADS_BUCKET}). Each large OrderCreated must be stored in S3 once (content-addressed:
 * one object per distinct event), published as a pointer to order-events, and resolved by both
 * subscribers of that topic (customer-service reserves credit, notification-service records the
 * note's size on the timeline) without either deleting the object; ordinary events never touch
 * S3. Nothing may be dead-lettered.
 */
class LargeOrdersIT {
  private static final int LARGE = Scale.pick(3, 10);
  private static final int SMALL = Scale.pick(12, 60);
  /** 300 KiB of two-byte characters: 600 KiB of UTF-8, well over SNS's 256 KiB. */
  private static final int NOTE_CHARS = 300 * 1024;

  @Test
  void largeOrdersTravelThroughS3ToBothSubscribersAndTheirPayloadsStay() {
    long t0 = System.nanoTime();
    try (SagaSystem system = SagaSystem.start("large", SagaSystem.Options.DIRECT.withNotifications().withPayloads())) {
      String customer = system.createCustomer("large", new BigDecimal("100000.00"));
      Map<String, Integer> noteBytesByOrder = new LinkedHashMap<>();
      List<String> small = new ArrayList<>();
      for (int i = 0; i < LARGE + SMALL; i++) {
        boolean large = i % ((LARGE + SMALL) / LARGE) == 0 && noteBytesByOrder.size() < LARGE;
        String note = large ? (char) ('à' + i % 20) + "é".repeat(NOTE_CHARS - 1) : null;
        Http.Reply reply = placeOrder(system, customer, note);
        assertThat(reply.status()).as("POST /orders with a %s note: %s", large ? "large" : "no", reply).isEqualTo(202);
        String orderId = reply.json().get("orderId").asText();
        if (large) {
          noteBytesByOrder.put(orderId, note.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        } else {
          small.add(orderId);
        }
      }
      List<String> all = new ArrayList<>(noteBytesByOrder.keySet());
      all.addAll(small);
      await("every order APPROVED").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        for (String orderId : all) {
          assertThat(system.order(orderId).json().get("state").asText()).as("order %s", orderId).isEqualTo("APPROVED");
        }
      });
      await("every timeline complete").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        for (String orderId : all) {
          Http.Reply timeline = Http.get(system.notifications.url("/orders/" + orderId + "/timeline"), SagaSystem.HTTP_TIMEOUT);
          assertThat(timeline.status()).as("timeline of %s: %s", orderId, timeline).isEqualTo(200);
          JsonNode created = timeline.json().get("events").get(0);
          assertThat(created.get("type").asText()).isEqualTo("dev.evently.saga.order.created");
          Integer expected = noteBytesByOrder.get(orderId);
          if (expected == null) {
            assertThat(created.has("noteBytes")).as("a small order's OrderCreated has no note").isFalse();
          } else {
            assertThat(created.get("noteBytes").asInt()).as("the note of %s arrived whole", orderId).isEqualTo(expected);
          }
          assertThat(timeline.json().get("events")).hasSize(2);
        }
      });

      List<S3Object> objects = system.s3().listObjectsV2(r -> r.bucket(system.payloadBucket)).contents();
      assertThat(objects).as("one object per large OrderCreated, none for the %d small ones, none deleted", SMALL)
          .hasSize(LARGE)
          .allSatisfy(o -> assertThat(o.size()).isGreaterThan(600L * 1024));
      assertThat(system.orders.metric("evently_publish_offloaded_total")).isEqualTo(LARGE);
      assertThat(Set.of(SagaSystem.ORDER_QUEUE, SagaSystem.CUSTOMER_QUEUE, SagaSystem.NOTIFICATION_QUEUE))
          .allSatisfy(q -> assertThat(system.depth(SagaSystem.dlq(q))).as("%s's DLQ", q).isZero());
      Figures.record("R8 large events",
          LARGE + " orders with a " + noteBytesByOrder.values().iterator().next() / 1024 + " KiB note among " + SMALL
              + " ordinary ones, all approved",
          "-", "-", 0, 0,
          objects.size() + " objects in S3 (one per large OrderCreated), " + LARGE + " offloaded by the publisher;"
              + " every OrderCreated resolved by customer-service and notification-service (note sizes on the"
              + " timelines), objects kept after consumption; DLQs 0",
          (System.nanoTime() - t0) / 1e9);
    }
  }

  private static Http.Reply placeOrder(SagaSystem system, String customer, String note) {
    String body = "{\"customerId\":\"" + customer + "\",\"orderTotal\":10.00"
        + (note == null ? "" : ",\"note\":\"" + note + "\"") + "}";
    return Http.post(system.orders.url("/orders"), body, SagaSystem.HTTP_TIMEOUT);
  }
}

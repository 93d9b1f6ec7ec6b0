package dev.evently.saga.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class SagaEventsTest {
  @Test
  void idsLongerThanTheServicesStoreAreRefused() {
    String id = "x".repeat(SagaEvents.MAX_ID_LENGTH);
    assertThat(new OrderCancelled(id, id).orderId()).hasSize(SagaEvents.MAX_ID_LENGTH);
    assertThatThrownBy(() -> new OrderCreated("o", id + "x", BigDecimal.TEN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("customerId must be at most 100 characters");
    assertThatThrownBy(() -> new CustomerCreditReservationFailed("o", "c", "r".repeat(201)))
        .hasMessage("reason must be at most 200 characters");
    assertThatThrownBy(() -> new OrderCancelled("o\n12:00:00 ERROR forged", "c"))
        .hasMessage("orderId must not contain control characters");
  }

  @Test
  void totalsOutOfTheStoredRangeAreRefused() {
    assertThat(new OrderCreated("o", "c", new BigDecimal("1000000000.00")).orderTotal()).isEqualByComparingTo("1e9");
    assertThatThrownBy(() -> new OrderCreated("o", "c", new BigDecimal("1e20")))
        .hasMessage("orderTotal must be at most 1000000000");
    assertThatThrownBy(() -> new OrderCreated("o", "c", new BigDecimal("0.001")))
        .hasMessage("orderTotal must have at most 2 decimal places");
    assertThatThrownBy(() -> new OrderCreated("o", "c", BigDecimal.ZERO)).hasMessage("orderTotal must be > 0");
  }

  @Test
  void typeNamesAreReverseDnsAndNameTheirRecords() {
    assertThat(SagaEvents.TYPES.keySet())
        .containsExactly(
            "dev.evently.saga.order.created",
            "dev.evently.saga.order.cancelled",
            "dev.evently.saga.customer.credit-reserved",
            "dev.evently.saga.customer.credit-reservation-failed");
    assertThat(SagaEvents.TYPES.get(OrderCreated.TYPE)).isEqualTo(OrderCreated.class);
    assertThat(SagaEvents.TYPES.get(CustomerCreditReservationFailed.TYPE)).isEqualTo(CustomerCreditReservationFailed.class);
  }

  @Test
  void orderCreatedDecodesWithoutANoteAndLeavesAnAbsentNoteOutOfItsJson() throws Exception {
    EventTypes.Builder builder = EventTypes.builder();
    SagaEvents.TYPES.forEach(builder::register);
    EventTypes types = builder.build();
    EventCodec codec = EventCodec.of(types);

    String plain = codec.encode(types.event("order-service", new OrderCreated("o", "c", BigDecimal.TEN)));
    assertThat(plain).doesNotContain("note");
    assertThat(((OrderCreated) codec.decode(plain).data()).note()).isNull();

    String noted = codec.encode(types.event("order-service", new OrderCreated("o", "c", BigDecimal.TEN, "ring twice")));
    assertThat(((OrderCreated) codec.decode(noted).data()).note()).isEqualTo("ring twice");
  }

  @Test
  void notesOverTheLimitAreRefused() {
    String note = "é".repeat(SagaEvents.MAX_NOTE_BYTES / 2);
    assertThat(new OrderCreated("o", "c", BigDecimal.TEN, note).note()).isEqualTo(note);
    assertThatThrownBy(() -> new OrderCreated("o", "c", BigDecimal.TEN, note + "x"))
        .hasMessage("note must be at most 921600 bytes (UTF-8)");
  }
}

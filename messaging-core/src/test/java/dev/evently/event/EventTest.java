package dev.evently.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTest {
  record Ping(int n) {}

  private final Event<Ping> cause =
      Event.of("com.example.ping", "a", new Ping(1)).withCorrelationId("flow-1").withTraceparent("00-aa-bb-01");

  @Test
  void withCausationIdSetsOnlyTheCausation() {
    Event<Ping> e = Event.of("com.example.ping", "b", new Ping(2)).withCausationId("cmd-7");

    assertThat(e.causationId()).isEqualTo("cmd-7");
    assertThat(e.correlationId()).isNull();
    assertThat(e.withCausationId(null).causationId()).isNull();
  }

  @Test
  void causedByCarriesCorrelationCausationAndTraceAndKeepsItsOwnAttributes() {
    Event<Ping> reply = Event.of("com.example.pong", "b", new Ping(2)).withExtension("tenant", "t-1").causedBy(cause);

    assertThat(reply.correlationId()).isEqualTo("flow-1");
    assertThat(reply.causationId()).isEqualTo(cause.id());
    assertThat(reply.traceparent()).isEqualTo("00-aa-bb-01");
    assertThat(reply.extensions()).containsEntry("tenant", "t-1");
    assertThat(Event.of("com.example.pong", "b", new Ping(3)).causedBy(Event.of("x", "a", new Ping(0))).correlationId())
        .as("a cause without correlation starts the flow with its id")
        .isNotNull();
  }

  @Test
  void defaultsToJsonAndKeepsExtensionsSorted() {
    Event<Ping> e = Event.of("com.example.ping", "a", new Ping(1)).withExtension("zeta", 1).withExtension("alpha", true);

    assertThat(e.dataContentType()).isEqualTo("application/json");
    assertThat(e.extensions().keySet()).containsExactly("alpha", "zeta");
    assertThat(e.extension("zeta")).contains(1);
    assertThat(e.withExtension("zeta", null).extensions()).containsOnlyKeys("alpha");
  }

  @Test
  void theNineComponentConstructorStillWorks() {
    Event<Ping> e = new Event<>("i", "t", "s", Instant.EPOCH, "sub", "c", "k", null, new Ping(1));

    assertThat(e.extensions()).isEmpty();
    assertThat(e.dataSchema()).isNull();
    assertThat(e.subject()).isEqualTo("sub");
  }

  @Test
  void refusesAttributesThatBreakTheCloudEventsRules() {
    Event<Ping> e = Event.of("com.example.ping", "a", new Ping(1));

    assertThatThrownBy(() -> e.withExtension("Tenant", "x")).hasMessageContaining("lower-case letters");
    assertThatThrownBy(() -> e.withExtension("correlationid", "x")).hasMessageContaining("component of its own");
    assertThatThrownBy(() -> e.withExtension("amount", 1.5)).hasMessageContaining("String, Boolean or Integer");
    assertThatThrownBy(() -> e.withDataContentType("text/xml")).hasMessageContaining("JSON media type");
    assertThatThrownBy(() -> e.withDataSchema("not a uri")).hasMessage("dataSchema must be a URI");
    assertThatThrownBy(() -> new Event<>("i", "t", "s", Instant.EPOCH, null, null, null, null, null, null,
        Map.of("bad_name", "x"), new Ping(1))).isInstanceOf(IllegalArgumentException.class);
  }
}

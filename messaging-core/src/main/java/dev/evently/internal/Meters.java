package dev.evently.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The one way evently registers its Micrometer meters: every meter of a component carries the
 * same tags, and without a registry the meters are no-ops (an empty {@link CompositeMeterRegistry}),
 * so the code that records never checks for null. Thread-safe. Not public API.
 */
public final class Meters {
  private final MeterRegistry registry;
  private final Tags tags;

  private Meters(MeterRegistry registry, Tags tags) {
    this.registry = registry != null ? registry : new CompositeMeterRegistry();
    this.tags = tags;
  }

  /** Meters in {@code registry} (none recorded when null), each tagged with {@code tags}. */
  public static Meters of(MeterRegistry registry, String... tags) {
    return new Meters(registry, Tags.of(tags));
  }

  public Counter counter(String name, String description) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /** A counter with the component's tags plus {@code extraTags} (key, value, ...). */
  public Counter counter(String name, String description, String... extraTags) {
    return Counter.builder(name).description(description).tags(tags).tags(extraTags).register(registry);
  }

  public Timer timer(String name, String description) {
    return Timer.builder(name).description(description).tags(tags).register(registry);
  }

  /** A timer with the component's tags plus {@code extraTags} (key, value, ...). */
  public Timer timer(String name, String description, String... extraTags) {
    return Timer.builder(name).description(description).tags(tags).tags(extraTags).register(registry);
  }

  public DistributionSummary summary(String name, String description) {
    return DistributionSummary.builder(name).description(description).tags(tags).register(registry);
  }

  /** A gauge reading {@code value}, with the component's tags plus {@code extraTags} (key, value, ...). */
  public void gauge(String name, String description, java.util.function.Supplier<Number> value, String... extraTags) {
    Gauge.builder(name, value).description(description).tags(tags).tags(extraTags).strongReference(true).register(registry);
  }

  /** A gauge reading {@code value} from {@code state}, held strongly (the gauge keeps it alive). */
  public <T> void gauge(String name, String description, T state, ToDoubleFunction<T> value) {
    Gauge.builder(name, state, value).description(description).tags(tags).strongReference(true).register(registry);
  }
}

package dev.evently.otlp;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One span as an OTLP exporter sent it, flattened: ids in lowercase hex, the resource's {@code
 * service.name}, string forms of the attributes. Immutable.
 *
 * @param parentSpanId empty for a root span
 * @param kind {@code SERVER}, {@code CLIENT}, {@code PRODUCER}, {@code CONSUMER} or {@code INTERNAL}
 * @param status {@code OK}, {@code ERROR} or {@code UNSET}
 * @param links the span ids this span links to
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReceivedSpan(
    String traceId,
    String spanId,
    String parentSpanId,
    String name,
    String kind,
    String service,
    long startEpochNanos,
    long endEpochNanos,
    String status,
    Map<String, String> attributes,
    List<String> links) {
  public ReceivedSpan {
    attributes = Map.copyOf(attributes);
    links = List.copyOf(links);
  }

  @JsonIgnore
  public Duration duration() {
    return Duration.ofNanos(Math.max(0, endEpochNanos - startEpochNanos));
  }

  @JsonIgnore
  public boolean isRoot() {
    return parentSpanId.isEmpty();
  }
}

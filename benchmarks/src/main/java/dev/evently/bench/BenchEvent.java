package dev.evently.bench;

import dev.evently.event.Event;
import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;

/** The payload every benchmark sends: a sequence number and a little padding (~250-byte bodies). */
public record BenchEvent(long seq, String note) {
  static final String TYPE = "BenchEvent";
  static final String SOURCE = "benchmarks";

  static EventCodec codec() {
    return EventCodec.of(EventTypes.builder().register(TYPE, BenchEvent.class).build());
  }

  static Event<BenchEvent> event(long seq) {
    return Event.of(TYPE, SOURCE, new BenchEvent(seq, "benchmark payload"));
  }

  /** The CloudEvents id in a raw body, found without a JSON parser (bodies come from our codec). */
  static String idOf(String body) {
    int i = body.indexOf("\"id\":\"");
    if (i < 0) {
      return body;
    }
    int start = i + 6;
    return body.substring(start, body.indexOf('"', start));
  }
}

package dev.evently.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers a record as an event type under its CloudEvents {@code type} name, e.g. {@code
 * @EventType("com.example.order.created") record OrderCreated(...)}. The starter finds such records
 * in {@code evently.event-packages} (default: the application's package, as for JPA entities) and
 * builds the {@link dev.evently.event.EventTypes} of the auto-configured {@link
 * dev.evently.event.EventCodec}; an {@code EventTypes} or {@code EventCodec} bean of the
 * application's own replaces the scan.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventType {
  /** The type name: 1-128 characters, letters, digits, '.', '_' and '-', reverse-DNS style. */
  String value();
}

package dev.evently.publish.internal;

import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.publish.EncodedMessage;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns an event into the {@link EncodedMessage} that goes on the wire: the codec's body, the
 * {@link EventAttributes#TYPE} attribute, and the FIFO group and deduplication ids from their
 * functions. Used by {@code SnsPublisher.publish(Event)} and by {@code Outbox.publish}, so an event
 * published directly and one relayed from the outbox are the same message. Immutable, thread-safe.
 */
public final class MessageEncoder {
  /** The default FIFO message group id: the event's subject, or its id when it has none. */
  public static final Function<Event<?>, String> SUBJECT_OR_ID = e -> e.subject() != null ? e.subject() : e.id();
  /** The default FIFO deduplication id: the event's id. */
  public static final Function<Event<?>, String> EVENT_ID = Event::id;

  private final EventCodec codec;
  private final Function<? super Event<?>, String> groupId;
  private final Function<? super Event<?>, String> deduplicationId;

  /**
   * @param groupId the FIFO group id of an event, or null to set none (standard topics)
   * @param deduplicationId the FIFO deduplication id of an event, or null to set none
   */
  public MessageEncoder(
      EventCodec codec, Function<? super Event<?>, String> groupId, Function<? super Event<?>, String> deduplicationId) {
    this.codec = codec;
    this.groupId = groupId;
    this.deduplicationId = deduplicationId;
  }

  /**
   * The message for {@code event}.
   *
   * @throws IllegalArgumentException when the codec cannot encode the event (e.g. an unregistered
   *     type) or an id function fails; the message names the event and the field, never a value
   */
  public EncodedMessage encode(Event<?> event) {
    String body = codec.encode(event);
    return new EncodedMessage(
        event.id(),
        event.type(),
        body,
        Map.of(EventAttributes.TYPE, event.type()),
        apply(groupId, event, "messageGroupId"),
        apply(deduplicationId, event, "deduplicationId"));
  }

  private static String apply(Function<? super Event<?>, String> f, Event<?> event, String field) {
    if (f == null) {
      return null;
    }
    try {
      return f.apply(event);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "the " + field + " function failed for event " + event.id() + " of type " + event.type() + ": "
              + e.getClass().getName(),
          e);
    }
  }
}

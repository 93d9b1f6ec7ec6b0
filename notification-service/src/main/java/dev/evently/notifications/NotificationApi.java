package dev.evently.notifications;

import dev.evently.saga.events.SagaEvents;
import dev.evently.service.ApiException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP API.
 *
 * <ul>
 *   <li>{@code GET /orders/{orderId}/timeline}: 200 {@code {"orderId", "events": [{"type", "time",
 *       "source", "eventId"}, ...]}} sorted by event time, an OrderCreated with a note also with
 *       {@code "noteBytes"} (its size); 404 when no event about the order arrived.
 *   <li>{@code GET /customers/{customerId}/notifications}: 200 {@code {"customerId",
 *       "notifications": [{"orderId", "kind", "message", "eventId", "sentAt"}, ...]}}, oldest first
 *       (empty for a customer nothing was sent to).
 * </ul>
 *
 * An id that is blank, longer than {@value SagaEvents#MAX_ID_LENGTH} characters or holds control
 * characters is 400 {@code {"error", "field"}}, as every error ({@code ApiErrors}).
 */
@RestController
class NotificationApi {
  private final NotificationStore store;

  NotificationApi(NotificationStore store) {
    this.store = store;
  }

  @GetMapping("/orders/{orderId}/timeline")
  Map<String, Object> timeline(@PathVariable("orderId") String orderId) throws SQLException {
    requireId(orderId, "orderId");
    List<TimelineEntry> events = store.timeline(orderId);
    if (events.isEmpty()) {
      throw new ApiException(404, "no event about this order has arrived", "orderId");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderId", orderId);
    body.put("events", events);
    return body;
  }

  @GetMapping("/customers/{customerId}/notifications")
  Map<String, Object> notifications(@PathVariable("customerId") String customerId) throws SQLException {
    requireId(customerId, "customerId");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("customerId", customerId);
    body.put("notifications", store.notifications(customerId));
    return body;
  }

  /** The saga's rule for ids (saga-events): what no event could carry is no id to look up. */
  static void requireId(String id, String field) {
    if (id == null || id.isBlank()) {
      throw new ApiException(400, field + " must not be blank", field);
    }
    if (id.length() > SagaEvents.MAX_ID_LENGTH) {
      throw new ApiException(400, field + " must be at most " + SagaEvents.MAX_ID_LENGTH + " characters", field);
    }
    if (id.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(400, field + " must not contain control characters", field);
    }
  }
}

package dev.evently.orders;

import dev.evently.saga.events.SagaEvents;
import dev.evently.service.ApiException;
import dev.evently.service.IdempotencyKey;
import dev.evently.service.JsonRequest;
import dev.evently.service.RequestBodies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The order service's HTTP resources. Bodies are read with a limit ({@link RequestBodies}: 16 KiB,
 * 1 MiB for {@code POST /orders}) and validated strictly ({@link JsonRequest}); every error is
 * {@code {"error", "field"}} ({@code ApiErrors}).
 */
@RestController
class OrderApi {
  private static final Set<String> PLACE_FIELDS = Set.of("customerId", "orderTotal", "note");
  /**
   * The body limit of {@code POST /orders}: room for a note of {@link SagaEvents#MAX_NOTE_BYTES}
   * (and its JSON escapes); every other route keeps the service's 16 KiB.
   */
  static final int MAX_PLACE_BODY_BYTES = 1024 * 1024;

  private final OrderService service;

  OrderApi(OrderService service) {
    this.service = service;
  }

  /**
   * {@code POST /orders}: 202 {@code {"orderId", "state": "PENDING"}}. The optional {@code note}
   * (free text up to {@link SagaEvents#MAX_NOTE_BYTES} UTF-8 bytes, body up to {@link
   * #MAX_PLACE_BODY_BYTES}) goes out in the OrderCreated only: a long one makes a large event.
   * With an {@code Idempotency-Key} header (see {@link IdempotencyKey}) a repeat of a request that
   * succeeded gets the same 202 and body again and creates nothing; the same key with another
   * customer, total or note is 422. The body is validated before the key is looked at, and only a success records
   * the key: after a 400 or a 500 the same key may be sent again.
   */
  @PostMapping("/orders")
  ResponseEntity<Map<String, Object>> place(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    JsonRequest json = JsonRequest.read(request, response, MAX_PLACE_BODY_BYTES, PLACE_FIELDS);
    String key = IdempotencyKey.of(request);
    String customerId = json.text("customerId", 100);
    BigDecimal total = json.amount("orderTotal");
    String note = json.optionalText("note", SagaEvents.MAX_NOTE_BYTES);
    IdempotencyKey.Result<Order> placed = service.place(customerId, total, note, key);
    if (placed.outcome() == IdempotencyKey.Outcome.KEY_REUSED) {
      throw IdempotencyKey.reused("an order", "customerId, orderTotal or note");
    }
    // A replay repeats the first response (the state the order was created in), not today's state.
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderId", placed.value().orderId());
    body.put("state", OrderState.PENDING.name());
    return ResponseEntity.status(202).body(body);
  }

  @GetMapping("/orders/{id}")
  ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
    return ResponseEntity.ok(view(require(id)));
  }

  /** {@code POST /orders/{id}/cancel}: 202 with the cancelled order; 404 unknown; 409 not cancellable. */
  @PostMapping("/orders/{id}/cancel")
  ResponseEntity<Map<String, Object>> cancel(
      @PathVariable String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
    RequestBodies.read(request, response, RequestBodies.DEFAULT_LIMIT); // no body is needed; a huge one is refused
    OrderService.CancelOutcome outcome =
        service.cancel(id).orElseThrow(() -> ApiException.notFound("order " + id + " not found"));
    if (!outcome.cancelled()) {
      throw ApiException.conflict(
          "order " + id + " is " + outcome.order().state() + "; only PENDING or APPROVED orders can be cancelled");
    }
    return ResponseEntity.status(202).body(view(outcome.order()));
  }

  private Order require(String id) {
    return service.find(id).orElseThrow(() -> ApiException.notFound("order " + id + " not found"));
  }

  static Map<String, Object> view(Order order) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("orderId", order.orderId());
    view.put("customerId", order.customerId());
    view.put("orderTotal", order.orderTotal());
    view.put("state", order.state().name());
    view.put("rejectionReason", order.rejectionReason());
    view.put("createdAt", order.createdAt().toString());
    view.put("updatedAt", order.updatedAt().toString());
    return view;
  }
}

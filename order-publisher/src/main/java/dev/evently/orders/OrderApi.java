package dev.evently.orders;

import dev.evently.saga.events.SagaEvents;
import dev.evently.service.ApiException;
import dev.evently.service.HttpApi;
import dev.evently.service.IdempotencyKey;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The order service's HTTP resources. */
final class OrderApi {
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

  HttpApi.Builder routes(HttpApi.Builder http) {
    return http.route("POST", "/orders", MAX_PLACE_BODY_BYTES, this::place)
        .route("GET", "/orders/{id}", this::get)
        .route("POST", "/orders/{id}/cancel", this::cancel);
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
  private HttpApi.Response place(HttpApi.Request request) {
    String key = IdempotencyKey.of(request);
    var json = request.json(PLACE_FIELDS);
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
    return HttpApi.Response.json(202, body);
  }

  private HttpApi.Response get(HttpApi.Request request) {
    return HttpApi.Response.json(200, view(require(request.param("id"))));
  }

  private HttpApi.Response cancel(HttpApi.Request request) {
    String id = request.param("id");
    OrderService.CancelOutcome outcome =
        service.cancel(id).orElseThrow(() -> ApiException.notFound("order " + id + " not found"));
    if (!outcome.cancelled()) {
      throw ApiException.conflict(
          "order " + id + " is " + outcome.order().state() + "; only PENDING or APPROVED orders can be cancelled");
    }
    return HttpApi.Response.json(202, view(outcome.order()));
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

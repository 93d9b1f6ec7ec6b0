package dev.evently.orders;

import dev.evently.service.ApiException;
import dev.evently.service.HttpApi;
import dev.evently.service.IdempotencyKey;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The order service's HTTP resources. */
final class OrderApi {
  private static final Set<String> PLACE_FIELDS = Set.of("customerId", "orderTotal");

  private final OrderService service;

  OrderApi(OrderService service) {
    this.service = service;
  }

  HttpApi.Builder routes(HttpApi.Builder http) {
    return http.route("POST", "/orders", this::place)
        .route("GET", "/orders/{id}", this::get)
        .route("POST", "/orders/{id}/cancel", this::cancel);
  }

  /**
   * {@code POST /orders}: 202 {@code {"orderId", "state": "PENDING"}}. With an {@code
   * Idempotency-Key} header (see {@link IdempotencyKey}) a repeat of a request that succeeded
   * gets the same 202 and body again and creates nothing; the same key with another customer or
   * total is 422. The body is validated before the key is looked at, and only a success records
   * the key: after a 400 or a 500 the same key may be sent again.
   */
  private HttpApi.Response place(HttpApi.Request request) {
    String key = IdempotencyKey.of(request);
    var json = request.json(PLACE_FIELDS);
    String customerId = json.text("customerId", 100);
    BigDecimal total = json.amount("orderTotal");
    IdempotencyKey.Result<Order> placed = service.place(customerId, total, key);
    if (placed.outcome() == IdempotencyKey.Outcome.KEY_REUSED) {
      throw IdempotencyKey.reused("an order", "customerId or orderTotal");
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

package dev.evently.orders;

import dev.evently.service.ApiException;
import dev.evently.service.HttpApi;
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

  private HttpApi.Response place(HttpApi.Request request) {
    var json = request.json(PLACE_FIELDS);
    String customerId = json.text("customerId", 100);
    BigDecimal total = json.amount("orderTotal");
    Order order = service.place(customerId, total);
    return HttpApi.Response.json(202, Map.of("orderId", order.orderId(), "state", order.state().name()));
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

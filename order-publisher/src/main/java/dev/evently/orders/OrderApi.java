package dev.evently.orders;

import dev.evently.service.ApiException;
import dev.evently.service.HttpApi;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The order service's HTTP resources. */
final class OrderApi {
  private static final Set<String> PLACE_FIELDS = Set.of("customerId", "orderTotal");
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final int MAX_KEY_LENGTH = 255;
  private static final Pattern VALID_KEY =
      Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1," + MAX_KEY_LENGTH + "}");

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
   * {@code POST /orders}: 202 {@code {"orderId", "state": "PENDING"}}. With an {@value
   * #IDEMPOTENCY_KEY} header (see {@link #idempotencyKey}) a repeat of a request that succeeded
   * gets the same 202 and body again and creates nothing; the same key with another customer or
   * total is 422. The body is validated before the key is looked at, and only a success records
   * the key: after a 400 or a 500 the same key may be sent again.
   */
  private HttpApi.Response place(HttpApi.Request request) {
    String key = idempotencyKey(request);
    var json = request.json(PLACE_FIELDS);
    String customerId = json.text("customerId", 100);
    BigDecimal total = json.amount("orderTotal");
    OrderService.Placed placed = service.place(customerId, total, key);
    if (placed.placement() == OrderService.Placement.KEY_REUSED) {
      throw new ApiException(
          422, IDEMPOTENCY_KEY + " was already used for an order with another customerId or orderTotal",
          IDEMPOTENCY_KEY);
    }
    // A replay repeats the first response (the state the order was created in), not today's state.
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderId", placed.order().orderId());
    body.put("state", OrderState.PENDING.name());
    return HttpApi.Response.json(202, body);
  }

  /**
   * The request's {@value #IDEMPOTENCY_KEY}, or null without one: 1 to {@value #MAX_KEY_LENGTH}
   * visible ASCII characters other than {@code "} and {@code \}, sent bare or as the draft's
   * structured-field string in double quotes (the quotes are not part of the key, so {@code "k"}
   * and {@code k} are one key). Anything else, or the header more than once, is 400.
   */
  static String idempotencyKey(HttpApi.Request request) {
    List<String> values = request.headers(IDEMPOTENCY_KEY);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiException.badRequest(IDEMPOTENCY_KEY + " must be sent once", IDEMPOTENCY_KEY);
    }
    String key = values.get(0).strip();
    if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
      key = key.substring(1, key.length() - 1);
    }
    if (!VALID_KEY.matcher(key).matches()) {
      throw ApiException.badRequest(
          IDEMPOTENCY_KEY + " must be 1 to " + MAX_KEY_LENGTH
              + " visible ASCII characters other than '\"' and '\\'",
          IDEMPOTENCY_KEY);
    }
    return key;
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

package dev.evently.customers;

import dev.evently.service.ApiException;
import dev.evently.service.HttpApi;
import dev.evently.service.IdempotencyKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The customer service's HTTP resources. */
final class CustomerApi {
  private static final Set<String> CREATE_FIELDS = Set.of("name", "creditLimit");

  private final CustomerService service;

  CustomerApi(CustomerService service) {
    this.service = service;
  }

  HttpApi.Builder routes(HttpApi.Builder http) {
    return http.route("POST", "/customers", this::create).route("GET", "/customers/{id}", this::get);
  }

  /**
   * {@code POST /customers}: 201 with the new customer. With an {@code Idempotency-Key} header (see
   * {@link IdempotencyKey}) a repeat of a request that succeeded gets the same 201 and body again
   * (the customer as created, whatever its credit is now) and creates nothing; the same key with
   * another name or credit limit is 422. Only a success records the key: after a 400 or a 500 the
   * same key may be sent again.
   */
  private HttpApi.Response create(HttpApi.Request request) {
    String key = IdempotencyKey.of(request);
    var json = request.json(CREATE_FIELDS);
    String name = json.text("name", 200);
    IdempotencyKey.Result<Customer> created = service.create(name, json.amount("creditLimit"), key);
    if (created.outcome() == IdempotencyKey.Outcome.KEY_REUSED) {
      throw IdempotencyKey.reused("a customer", "name or creditLimit");
    }
    return HttpApi.Response.json(201, view(created.value()));
  }

  private HttpApi.Response get(HttpApi.Request request) {
    String id = request.param("id");
    Customer customer =
        service.find(id).orElseThrow(() -> ApiException.notFound("customer " + id + " not found"));
    return HttpApi.Response.json(200, view(customer));
  }

  private static Map<String, Object> view(Customer c) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("customerId", c.customerId());
    view.put("name", c.name());
    view.put("creditLimit", c.creditLimit());
    view.put("availableCredit", c.availableCredit());
    return view;
  }
}

package dev.evently.customers;

import dev.evently.service.ApiException;
import dev.evently.service.HttpApi;
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

  private HttpApi.Response create(HttpApi.Request request) {
    var json = request.json(CREATE_FIELDS);
    String name = json.text("name", 200);
    Customer customer = service.create(name, json.amount("creditLimit"));
    return HttpApi.Response.json(201, view(customer));
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

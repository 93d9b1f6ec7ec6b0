package dev.evently.customers;

import dev.evently.service.ApiException;
import dev.evently.service.JsonRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import dev.evently.service.IdempotencyKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import dev.evently.service.RequestBodies;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The customer service's HTTP resources. Bodies are read with the services' 16 KiB limit ({@link
 * RequestBodies}) and validated strictly ({@link JsonRequest}); every error is {@code {"error",
 * "field"}} ({@code ApiErrors}).
 */
@RestController
class CustomerApi {
  private static final Set<String> CREATE_FIELDS = Set.of("name", "creditLimit");

  private final CustomerService service;

  CustomerApi(CustomerService service) {
    this.service = service;
  }

  /**
   * {@code POST /customers}: 201 with the new customer. With an {@code Idempotency-Key} header (see
   * {@link IdempotencyKey}) a repeat of a request that succeeded gets the same 201 and body again
   * (the customer as created, whatever its credit is now) and creates nothing; the same key with
   * another name or credit limit is 422. Only a success records the key: after a 400 or a 500 the
   * same key may be sent again.
   */
  @PostMapping("/customers")
  ResponseEntity<Map<String, Object>> create(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    JsonRequest json = JsonRequest.read(request, response, RequestBodies.DEFAULT_LIMIT, CREATE_FIELDS);
    String key = IdempotencyKey.of(request);
    String name = json.text("name", 200);
    IdempotencyKey.Result<Customer> created = service.create(name, json.amount("creditLimit"), key);
    if (created.outcome() == IdempotencyKey.Outcome.KEY_REUSED) {
      throw IdempotencyKey.reused("a customer", "name or creditLimit");
    }
    return ResponseEntity.status(201).body(view(created.value()));
  }

  @GetMapping("/customers/{id}")
  ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
    Customer customer =
        service.find(id).orElseThrow(() -> ApiException.notFound("customer " + id + " not found"));
    return ResponseEntity.ok(view(customer));
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

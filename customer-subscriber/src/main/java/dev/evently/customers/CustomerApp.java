package dev.evently.customers;

import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.Env;
import dev.evently.service.Launcher;
import dev.evently.service.ServiceRuntime;
import dev.evently.service.ServiceSettings;
import java.io.IOException;

/**
 * The customer service: {@code POST /customers}, {@code GET /customers/{id}}; consumes
 * OrderCreated / OrderCancelled from {@code customer-service} and publishes its credit replies to
 * {@code customer-events} through the outbox.
 *
 * <p>Environment: {@code HTTP_PORT} (8082), {@code DATABASE_URL} (H2 file under {@code ./data/}; an H2 file URL always
 * gets {@code WRITE_DELAY=0}, see {@code Database.durable}),
 * {@code CUSTOMER_EVENTS_TOPIC} ({@code customer-events}), {@code CUSTOMER_QUEUE} ({@code
 * customer-service}), and the AWS SDK's own variables.
 */
public final class CustomerApp {
  public static final String SERVICE = "customer-service";

  private CustomerApp() {}

  public static void main(String[] args) {
    Launcher.run(SERVICE, () -> start(settings(Env.system())));
  }

  /** The settings from the environment (see the class comment). */
  public static ServiceSettings settings(Env env) {
    return ServiceSettings.fromEnv(
        env, SERVICE, 8082, "db/customers", ServiceSettings.typesOf(SagaEvents.TYPES),
        "CUSTOMER_EVENTS_TOPIC", SagaEvents.CUSTOMER_EVENTS_TOPIC, "CUSTOMER_QUEUE", SagaEvents.CUSTOMER_QUEUE);
  }

  /** Starts the service; close the returned runtime to stop it. */
  public static ServiceRuntime start(ServiceSettings settings) throws IOException {
    return ServiceRuntime.start(settings, runtime -> {
      CustomerService customers =
          new CustomerService(runtime.dataSource(), runtime.outbox(), runtime.publishTopic(), runtime.meters());
      return runtime.serve(
          new CustomerApi(customers)::routes,
          consumer -> consumer
              .handle(OrderCreated.class, runtime.exactlyOnce(customers::onOrderCreated))
              .handle(OrderCancelled.class, runtime.exactlyOnce(customers::onOrderCancelled)));
    });
  }
}

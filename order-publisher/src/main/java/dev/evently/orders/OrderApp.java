package dev.evently.orders;

import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.SagaEvents;
import dev.evently.service.Env;
import dev.evently.service.Launcher;
import dev.evently.service.ServiceRuntime;
import dev.evently.service.ServiceSettings;
import java.io.IOException;

/**
 * The order service: {@code POST /orders} (with an optional {@code Idempotency-Key} header, see
 * {@code OrderApi}), {@code GET /orders/{id}}, {@code POST /orders/{id}/cancel}; publishes
 * OrderCreated / OrderCancelled to {@code order-events} through the outbox and consumes the credit
 * replies from {@code order-service}.
 *
 * <p>Environment: {@code HTTP_PORT} (8081), {@code DATABASE_URL} (H2 file under {@code ./data/}; an H2 file URL always
 * gets {@code WRITE_DELAY=0}, see {@code Database.durable}),
 * {@code ORDER_EVENTS_TOPIC} ({@code order-events}), {@code ORDER_QUEUE} ({@code order-service}),
 * and the AWS SDK's own variables ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, credentials).
 */
public final class OrderApp {
  public static final String SERVICE = "order-service";

  private OrderApp() {}

  public static void main(String[] args) {
    Launcher.run(SERVICE, () -> start(settings(Env.system())));
  }

  /** The settings from the environment (see the class comment). */
  public static ServiceSettings settings(Env env) {
    return ServiceSettings.fromEnv(
        env, SERVICE, 8081, "db/orders", ServiceSettings.typesOf(SagaEvents.TYPES),
        "ORDER_EVENTS_TOPIC", SagaEvents.ORDER_EVENTS_TOPIC, "ORDER_QUEUE", SagaEvents.ORDER_QUEUE);
  }

  /** Starts the service; close the returned runtime to stop it. */
  public static ServiceRuntime start(ServiceSettings settings) throws IOException {
    return ServiceRuntime.start(settings, runtime -> {
      OrderService orders =
          new OrderService(runtime.dataSource(), runtime.outbox(), runtime.publishTopic(), runtime.meters());
      return runtime.serve(
          new OrderApi(orders)::routes,
          consumer -> consumer
              .handle(CustomerCreditReserved.class, runtime.exactlyOnce(orders::onCreditReserved))
              .handle(CustomerCreditReservationFailed.class, runtime.exactlyOnce(orders::onCreditReservationFailed)));
    });
  }
}

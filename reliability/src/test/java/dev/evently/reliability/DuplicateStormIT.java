package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * R5, duplicate storm: every event of real traffic is delivered three times. A tap queue
 * subscribed to each topic sees every event; the suite copies each one twice more into the
 * consuming service's queue, one copy at once (racing the original) and one delayed by up to 5 s
 * (after the original was handled). Every effect must happen exactly once.
 */
class DuplicateStormIT {
  private static final int ORDERS = Scale.pick(50, 500); // at least two events each
  private static final double RATE = Scale.pick(10, 15);

  @Test
  void everyEventDeliveredThreeTimesTakesEffectOnce() throws Exception {
    long t0 = System.nanoTime();
    try (SagaSystem system = SagaSystem.start("r5", SagaSystem.Options.DIRECT)) {
      String orderTap = tap(system, "order-events");
      String customerTap = tap(system, "customer-events");
      AtomicLong copies = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      Thread duplicator = new Thread(() -> {
        while (!stop.get()) {
          duplicate(system, orderTap, SagaSystem.CUSTOMER_QUEUE, copies);
          duplicate(system, customerTap, SagaSystem.ORDER_QUEUE, copies);
        }
      }, "duplicator");
      duplicator.setDaemon(true);
      duplicator.start();

      Map<String, BigDecimal> customers = system.createCustomers(10);
      OrderTraffic.Result traffic;
      try (OrderTraffic orders = OrderTraffic.start(system, customers, ORDERS, RATE, 4)) {
        traffic = orders.finish();
      }
      Duration settle = Scale.pick(Duration.ofMinutes(2), Duration.ofMinutes(6));
      SagaAudit.awaitSettled(system, settle);
      long events = Postgres.count("SELECT count(*) FROM " + system.orderSchema + ".evently_outbox")
          + Postgres.count("SELECT count(*) FROM " + system.customerSchema + ".evently_outbox");
      await("every event copied twice").atMost(settle).pollInterval(Duration.ofMillis(500))
          .until(() -> copies.get() >= 2 * events && system.depthOfUrl(orderTap) + system.depthOfUrl(customerTap) == 0);
      SagaAudit.awaitSettled(system, settle);
      stop.set(true);
      duplicator.join(10_000);
      SagaAudit.Report report = SagaAudit.audit(system, customers, traffic);
      double handled = system.customers.metric("evently_consumer_succeeded_total")
          + system.orders.metric("evently_consumer_succeeded_total");

      assertThat(system.leaks()).as("secrets in the services' logs").isEmpty();
      assertThat(report.violations()).isEmpty();
      assertThat(report.lost()).isZero();
      assertThat(copies.get()).as("copies sent").isEqualTo(2 * events);
      assertThat(report.customerProcessed() + report.orderProcessed()).as("effects").isEqualTo(events);
      assertThat(handled).as("deliveries acknowledged").isGreaterThanOrEqualTo(3.0 * events);

      Figures.record("R5 duplicate storm",
          ORDERS + " orders at " + (int) RATE + "/s (" + Figures.states(report) + "): " + events + " events",
          "every event delivered 3 times: by SNS, a copy racing it, a copy delayed 1-5 s",
          copies.get() + " duplicate deliveries",
          report.lost(), report.appliedTwice(),
          (long) handled + " deliveries acknowledged, " + events + " effects (dedup rows), one reply per order; "
              + "credit consistent; DLQs 0; " + Figures.latency(report),
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /** A plain queue subscribed (raw) to {@code topic}: it sees every event published there. */
  private static String tap(SagaSystem system, String topic) {
    String url = system.aws.sqs().createQueue(r -> r.queueName(system.naming.physical(topic + "-tap"))).queueUrl();
    String arn = system.aws.sqs().getQueueAttributes(r -> r.queueUrl(url)
        .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
    String topicArn = system.aws.sns().createTopic(r -> r.name(system.naming.physical(topic))).topicArn();
    system.aws.sns().subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(arn)
        .attributes(Map.of("RawMessageDelivery", "true")));
    return url;
  }

  private static void duplicate(SagaSystem system, String tapUrl, String queue, AtomicLong copies) {
    List<Message> batch = system.aws.sqs().receiveMessage(r -> r.queueUrl(tapUrl).maxNumberOfMessages(10)
        .waitTimeSeconds(1).messageAttributeNames("All")).messages();
    for (Message m : batch) {
      for (int delay : new int[] {0, 1 + ThreadLocalRandom.current().nextInt(5)}) {
        system.aws.sqs().sendMessage(r -> r.queueUrl(system.queueUrl(queue)).messageBody(m.body())
            .messageAttributes(m.messageAttributes()).delaySeconds(delay));
        copies.incrementAndGet();
      }
      system.aws.sqs().deleteMessage(r -> r.queueUrl(tapUrl).receiptHandle(m.receiptHandle()));
    }
  }
}

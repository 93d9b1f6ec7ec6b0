package dev.evently.reliability;

import static org.awaitility.Awaitility.await;

import dev.evently.saga.events.CustomerCreditReservationFailed;
import dev.evently.saga.events.CustomerCreditReserved;
import dev.evently.saga.events.OrderCancelled;
import dev.evently.saga.events.OrderCreated;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * What must hold once the saga has settled, read from both services' databases (and their HTTP
 * APIs): every order final; an APPROVED order if and only if its credit is RESERVED, for the same
 * amount; every customer's available credit equal to its limit minus its APPROVED orders; exactly
 * one OrderCreated per order and exactly one credit reply per order in the outboxes, all
 * published; each service's dedup table holding each consumed event exactly once, completed; no
 * order the clients were told about missing; nothing dead-lettered. With notification-service
 * running: every order's timeline complete (each of its events exactly once) and exactly one
 * notification per approved or rejected order, none twice. Violations are collected, not thrown one by one.
 */
final class SagaAudit {
  private static final Set<String> REPLY_TYPES = Set.of(CustomerCreditReserved.TYPE, CustomerCreditReservationFailed.TYPE);

  /** The figures of a settled run, and every violated invariant. */
  record Report(
      Map<String, Long> ordersByState,
      long orders,
      long orderEvents,
      long replyEvents,
      long customerProcessed,
      long orderProcessed,
      long lost,
      long createdDespiteError,
      long appliedTwice,
      long sagaP50Millis,
      long sagaP95Millis,
      long sagaMaxMillis,
      List<String> violations) {}

  private SagaAudit() {}

  /**
   * Waits until nothing is pending anywhere: no PENDING order, unpublished outbox row or queued
   * (visible, in-flight or delayed) message. Stops waiting early when only PENDING orders remain
   * for 10 s with nothing left in flight to finish them: their events are gone (dead-lettered or
   * lost), which the audit then reports.
   */
  static void awaitSettled(SagaSystem system, Duration timeout) {
    long[] idleSince = {0};
    await("the saga settles (no pending order, outbox row or queued message)")
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          long inFlight = inFlight(system);
          long pending = Postgres.count("SELECT count(*) FROM " + system.orderSchema + ".orders WHERE state = 'PENDING'");
          if (inFlight > 0 || pending == 0) {
            idleSince[0] = 0;
            return inFlight + pending == 0;
          }
          if (idleSince[0] == 0) {
            idleSince[0] = System.nanoTime();
          }
          return System.nanoTime() - idleSince[0] > 10_000_000_000L;
        });
  }

  static long pendingWork(SagaSystem s) {
    return Postgres.count("SELECT count(*) FROM " + s.orderSchema + ".orders WHERE state = 'PENDING'") + inFlight(s);
  }

  /** Unpublished outbox rows and queued messages: work that will still happen by itself. */
  private static long inFlight(SagaSystem s) {
    return Postgres.count("SELECT count(*) FROM " + s.orderSchema + ".evently_outbox WHERE published_at IS NULL")
        + Postgres.count("SELECT count(*) FROM " + s.customerSchema + ".evently_outbox WHERE published_at IS NULL")
        + s.depth(SagaSystem.CUSTOMER_QUEUE)
        + s.depth(SagaSystem.ORDER_QUEUE)
        + (s.notifications != null ? s.depth(SagaSystem.NOTIFICATION_QUEUE) : 0);
  }

  /**
   * Audits a settled system after {@code traffic} (what the clients were told); the dead-letter
   * queues must be empty (each dead letter found is a violation, described).
   */
  static Report audit(SagaSystem s, Map<String, BigDecimal> customers, OrderTraffic.Result traffic) {
    List<String> v = new ArrayList<>();
    List<String> queues = new ArrayList<>(List.of(SagaSystem.CUSTOMER_QUEUE, SagaSystem.ORDER_QUEUE));
    if (s.notifications != null) {
      queues.add(SagaSystem.NOTIFICATION_QUEUE);
    }
    for (String queue : queues) {
      for (Message m : s.drain(SagaSystem.dlq(queue))) {
        MessageAttributeValue reason = m.messageAttributes().get("dlq-reason");
        v.add("dead-lettered from " + queue + " after " + m.attributesAsStrings().get("ApproximateReceiveCount")
            + " receives in the DLQ, " + (reason == null ? "by the redrive policy" : "as " + reason.stringValue())
            + ": " + m.body().substring(0, Math.min(300, m.body().length())));
      }
    }
    return audit(s, customers, traffic, v);
  }

  /** Like {@link #audit(SagaSystem, Map, OrderTraffic.Result)} but leaves the dead-letter queues alone. */
  static Report auditIgnoringDeadLetters(SagaSystem s, Map<String, BigDecimal> customers, OrderTraffic.Result traffic) {
    return audit(s, customers, traffic, new ArrayList<>());
  }

  private static Report audit(SagaSystem s, Map<String, BigDecimal> customers, OrderTraffic.Result traffic, List<String> v) {
    List<OrderTraffic.Placed> accepted = traffic.accepted();
    record Order(String customer, BigDecimal total, String state) {}
    record Reservation(BigDecimal amount, String state) {}
    Map<String, Order> orders = new HashMap<>();
    Postgres.query("SELECT order_id, customer_id, order_total, state FROM " + s.orderSchema + ".orders",
        rs -> orders.put(rs.getString(1), new Order(rs.getString(2), rs.getBigDecimal(3), rs.getString(4))));
    Map<String, Reservation> reservations = new HashMap<>();
    Postgres.query("SELECT order_id, amount, state FROM " + s.customerSchema + ".credit_reservations",
        rs -> reservations.put(rs.getString(1), new Reservation(rs.getBigDecimal(2), rs.getString(3))));

    long lost = 0;
    for (OrderTraffic.Placed p : accepted) {
      if (!orders.containsKey(p.orderId())) {
        lost++;
        v.add("order " + p.orderId() + " was accepted but does not exist");
      }
    }
    if (orders.size() > accepted.size() + traffic.unknownOutcome()) {
      v.add(orders.size() + " orders exist but only " + accepted.size() + " were accepted (+" + traffic.unknownOutcome()
          + " of unknown outcome): a refused order was created");
    }
    Map<String, Long> byState = new TreeMap<>();
    Map<String, BigDecimal> approvedByCustomer = new HashMap<>();
    orders.forEach((id, o) -> {
      byState.merge(o.state(), 1L, Long::sum);
      Reservation r = reservations.get(id);
      String rs = r == null ? "none" : r.state();
      boolean ok = switch (o.state()) {
        case "APPROVED" -> rs.equals("RESERVED") && r.amount().compareTo(o.total()) == 0;
        case "REJECTED" -> rs.equals("REJECTED");
        case "CANCELLED" -> Set.of("RELEASED", "CANCELLED_BEFORE_CREATE", "REJECTED").contains(rs);
        default -> false;
      };
      if (!ok) {
        v.add("order " + id + " is " + o.state() + " but its reservation is " + rs);
      }
      if (o.state().equals("APPROVED")) {
        approvedByCustomer.merge(o.customer(), o.total(), BigDecimal::add);
      }
    });
    reservations.forEach((id, r) -> {
      if (!orders.containsKey(id)) {
        v.add("reservation " + r.state() + " for order " + id + " that does not exist");
      }
    });
    customers.forEach((id, limit) -> {
      Http.Reply reply = s.customer(id);
      if (reply.status() != 200) {
        v.add("GET customer " + id + " answered " + reply);
        return;
      }
      BigDecimal available = reply.json().get("availableCredit").decimalValue();
      BigDecimal expected = limit.subtract(approvedByCustomer.getOrDefault(id, BigDecimal.ZERO));
      if (available.compareTo(expected) != 0 || available.signum() < 0) {
        v.add("customer " + id + " has " + available + " available, expected " + expected + " (limit " + limit + ")");
      }
    });

    // Each event emitted once per cause, every row published.
    long appliedTwice = 0;
    appliedTwice += duplicates(v, s.orderSchema, "event_type = '" + OrderCreated.TYPE + "'", "OrderCreated");
    appliedTwice += duplicates(v, s.orderSchema, "event_type = '" + OrderCancelled.TYPE + "'", "OrderCancelled");
    appliedTwice += duplicates(v, s.customerSchema, "event_type IN ('" + String.join("','", REPLY_TYPES) + "')", "credit reply");
    long created = Postgres.count("SELECT count(*) FROM " + s.orderSchema + ".evently_outbox WHERE event_type = '" + OrderCreated.TYPE + "'");
    if (created != orders.size()) {
      v.add(orders.size() + " orders but " + created + " OrderCreated events");
    }
    long cancelled = Postgres.count("SELECT count(*) FROM " + s.orderSchema + ".evently_outbox WHERE event_type = '" + OrderCancelled.TYPE + "'");
    if (cancelled != byState.getOrDefault("CANCELLED", 0L)) {
      v.add(byState.getOrDefault("CANCELLED", 0L) + " cancelled orders but " + cancelled + " OrderCancelled events");
    }
    long replies = Postgres.count("SELECT count(*) FROM " + s.customerSchema + ".evently_outbox WHERE event_type IN ('"
        + String.join("','", REPLY_TYPES) + "')");
    if (replies != orders.size()) {
      v.add(orders.size() + " orders but " + replies + " credit replies");
    }
    long orderEvents = Postgres.count("SELECT count(*) FROM " + s.orderSchema + ".evently_outbox");
    long replyEvents = Postgres.count("SELECT count(*) FROM " + s.customerSchema + ".evently_outbox");
    long unpublished = Postgres.count("SELECT count(*) FROM " + s.orderSchema + ".evently_outbox WHERE published_at IS NULL")
        + Postgres.count("SELECT count(*) FROM " + s.customerSchema + ".evently_outbox WHERE published_at IS NULL");
    if (unpublished > 0) {
      v.add(unpublished + " outbox rows never published");
    }

    // Each consumed event recorded once and completed; nothing consumed that was not emitted.
    long customerProcessed = processed(v, s.customerSchema, "customer-service", orderEvents);
    long orderProcessed = processed(v, s.orderSchema, "order-service", replyEvents);
    Set<String> emitted = new HashSet<>(Postgres.query("SELECT event_id FROM " + s.orderSchema + ".evently_outbox", rs -> rs.getString(1)));
    for (String id : Postgres.query("SELECT event_id FROM " + s.customerSchema + ".evently_processed_events", rs -> rs.getString(1))) {
      if (!emitted.contains(id)) {
        v.add("customer-service processed event " + id + " that order-service never emitted");
      }
    }

    if (s.notifications != null) {
      auditNotifications(s, v, orders.entrySet().stream()
          .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().state())), orderEvents + replyEvents);
    }

    List<Long> sagaMillis = Postgres.query("SELECT (EXTRACT(EPOCH FROM (updated_at - created_at)) * 1000)::bigint FROM "
        + s.orderSchema + ".orders WHERE state IN ('APPROVED', 'REJECTED') ORDER BY 1", rs -> rs.getLong(1));
    long createdDespiteError = Math.max(0, orders.size() - accepted.size());
    return new Report(byState, orders.size(), orderEvents, replyEvents, customerProcessed, orderProcessed, lost,
        createdDespiteError,
        appliedTwice, percentile(sagaMillis, 0.50), percentile(sagaMillis, 0.95), percentile(sagaMillis, 1.0), v);
  }

  /**
   * notification-service after the saga settled: its timeline holds every emitted event once
   * (the outboxes' {@code emitted} rows; also its dedup rows), each order's timeline is complete for
   * its final state, and each APPROVED or REJECTED order has exactly its one notification.
   */
  private static void auditNotifications(SagaSystem s, List<String> v, Map<String, String> stateByOrder, long emitted) {
    String n = s.notificationSchema;
    long recorded = Postgres.count("SELECT count(*) FROM " + n + ".order_timeline");
    if (recorded != emitted) {
      v.add("notification-service's timelines hold " + recorded + " events, " + emitted + " were emitted");
    }
    processed(v, n, "notification-service", emitted);
    Map<String, Map<String, Long>> typesByOrder = new HashMap<>();
    Postgres.query("SELECT order_id, event_type, count(*) FROM " + n + ".order_timeline GROUP BY order_id, event_type",
        rs -> typesByOrder.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getLong(3)));
    Map<String, String> kinds = new HashMap<>();
    Postgres.query("SELECT order_id, kind FROM " + n + ".notifications", rs -> kinds.put(rs.getString(1), rs.getString(2)));
    long sent = Postgres.count("SELECT count(*) FROM " + n + ".notifications");
    long distinctEvents = Postgres.count("SELECT count(DISTINCT event_id) FROM " + n + ".notifications");
    if (sent != kinds.size() || sent != distinctEvents) {
      v.add(sent + " notifications for " + kinds.size() + " orders from " + distinctEvents + " events: one was duplicated");
    }
    stateByOrder.forEach((id, state) -> {
      Map<String, Long> types = typesByOrder.getOrDefault(id, Map.of());
      long created = types.getOrDefault(OrderCreated.TYPE, 0L);
      long cancelled = types.getOrDefault(OrderCancelled.TYPE, 0L);
      long reserved = types.getOrDefault(CustomerCreditReserved.TYPE, 0L);
      long failed = types.getOrDefault(CustomerCreditReservationFailed.TYPE, 0L);
      boolean complete = created == 1 && reserved + failed == 1 && cancelled == (state.equals("CANCELLED") ? 1 : 0)
          && (!state.equals("APPROVED") || reserved == 1) && (!state.equals("REJECTED") || failed == 1);
      if (!complete) {
        v.add("order " + id + " is " + state + " but its timeline holds " + types);
      }
      String expected = switch (state) {
        case "APPROVED" -> "ORDER_APPROVED";
        case "REJECTED" -> "ORDER_REJECTED";
        default -> null;
      };
      if (expected != null && !expected.equals(kinds.get(id))) {
        v.add("order " + id + " is " + state + " but its notification is " + kinds.get(id));
      }
    });
  }

  private static long duplicates(List<String> v, String schema, String where, String what) {
    List<String> keys = Postgres.query("SELECT msg_key FROM " + schema + ".evently_outbox WHERE " + where
        + " GROUP BY msg_key HAVING count(*) > 1", rs -> rs.getString(1));
    keys.forEach(k -> v.add("order " + k + " has more than one " + what));
    return keys.size();
  }

  private static long processed(List<String> v, String schema, String consumer, long expected) {
    long rows = Postgres.count("SELECT count(*) FROM " + schema + ".evently_processed_events WHERE consumer = '" + consumer + "'");
    long incomplete = Postgres.count("SELECT count(*) FROM " + schema
        + ".evently_processed_events WHERE consumer = '" + consumer + "' AND status <> 'COMPLETED'");
    if (rows != expected) {
      v.add(consumer + " processed " + rows + " events, " + expected + " were emitted to it");
    }
    if (incomplete > 0) {
      v.add(consumer + " has " + incomplete + " events not COMPLETED");
    }
    return rows;
  }

  private static long percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}

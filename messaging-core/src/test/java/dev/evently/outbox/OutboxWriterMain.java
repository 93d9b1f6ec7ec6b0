package dev.evently.outbox;

import dev.evently.event.Event;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * A writer in a process of its own, for {@link PostgresOutboxListenIT}: for every line {@code
 * write} on stdin it commits one event through an {@link Outbox} and prints {@code COMMITTED
 * <event id>}; it ends when stdin closes. Args: JDBC URL, user, schema.
 */
public final class OutboxWriterMain {
  private OutboxWriterMain() {}

  public static void main(String[] args) throws Exception {
    Outbox outbox = Outbox.builder().codec(OrderPlaced.CODEC).build();
    try (Connection c = DriverManager.getConnection(args[0], args[1], "");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      c.setSchema(args[2]);
      c.setAutoCommit(false);
      System.out.println("READY");
      System.out.flush();
      int n = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.equals("write")) {
          continue;
        }
        Event<OrderPlaced> event = OrderPlaced.event("order-" + n, n);
        n++;
        outbox.publish(c, "order-events", event);
        c.commit();
        System.out.println("COMMITTED " + event.id());
        System.out.flush();
      }
    }
  }
}

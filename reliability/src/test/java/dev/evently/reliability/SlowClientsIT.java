package dev.evently.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slow clients cannot starve a service (issue 21): 200 connections per service each send half a
 * request ({@code POST /orders HTTP/1.1}, some headers, then nothing) and hold it. With them held,
 * {@code /health} and a real request must each answer within 2 s on both services; then the server
 * must close every slow connection within its header-read timeout ({@code
 * server.tomcat.connection-timeout}, 5 s, in service-support's {@code evently-service.properties})
 * plus a margin. The JDK server the services ran on before stalled with 40 such connections.
 */
class SlowClientsIT {
  private static final int SLOW_CONNECTIONS = 200;
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);
  /** The configured timeout (5 s) plus room for a loaded 2-core machine. */
  private static final Duration CLOSED_WITHIN = Duration.ofSeconds(5 + 5);

  @Test
  void halfSentRequestsNeitherBlockHealthNorRealRequestsAndAreClosedByTheServer() throws Exception {
    try (SagaSystem system = SagaSystem.start("slow-clients", new SagaSystem.Options(false, false))) {
      String customer = system.createCustomer("slow clients", new BigDecimal("100.00"));
      List<Socket> slow = new ArrayList<>();
      try {
        for (ServiceProcess service : List.of(system.orders, system.customers)) {
          for (int i = 0; i < SLOW_CONNECTIONS; i++) {
            slow.add(halfRequest(service.url("/")));
          }
        }
        long held = System.nanoTime();

        for (ServiceProcess service : List.of(system.orders, system.customers)) {
          Http.Reply health = Http.get(service.url("/health"), ANSWER_WITHIN);
          assertThat(health.status()).as("%s /health with %d slow connections held: %s", service.name(),
              SLOW_CONNECTIONS, health).isEqualTo(200);
        }
        Http.Reply order = Http.post(system.orders.url("/orders"),
            "{\"customerId\": \"" + customer + "\", \"orderTotal\": 10.00}", ANSWER_WITHIN);
        assertThat(order.status()).as("POST /orders with slow connections held: %s", order).isEqualTo(202);
        Http.Reply created = Http.post(system.customers.url("/customers"),
            "{\"name\": \"another\", \"creditLimit\": 5.00}", ANSWER_WITHIN);
        assertThat(created.status()).as("POST /customers with slow connections held: %s", created).isEqualTo(201);

        await("every slow connection closed by the server")
            .atMost(CLOSED_WITHIN)
            .pollInterval(Duration.ofMillis(250))
            .until(() -> slow.stream().allMatch(SlowClientsIT::closedByPeer));
        System.out.printf("%d slow connections closed by the servers %d ms after they were held%n",
            slow.size(), (System.nanoTime() - held) / 1_000_000);
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
    }
  }

  /** A connection that sent the start of a request and its first headers, and stops there. */
  private static Socket halfRequest(URI base) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 3_000);
    OutputStream out = socket.getOutputStream();
    out.write(("POST /orders HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
        + "\r\nContent-Type: application/json\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /** Whether the server closed {@code socket}: end of stream (after any answer) or a reset. */
  private static boolean closedByPeer(Socket socket) {
    try {
      socket.setSoTimeout(1);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[1024];
      while (true) {
        if (in.read(buffer) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server
    }
  }
}

package dev.evently.topology.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import dev.evently.topology.console.ConsoleFixture.Response;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The console's JSON API over plain HTTP: the cross-site defences and how bad input is refused. */
@LocalAws
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleHttpIT {
  private final SqsClient sqs;
  private final SnsClient sns;
  private final TestNames names;
  private ConsoleFixture f;
  private String dlq;
  private String token;

  ConsoleHttpIT(SqsClient sqs, SnsClient sns, TestNames names) {
    this.sqs = sqs;
    this.sns = sns;
    this.names = names;
  }

  @BeforeAll
  void startConsole() {
    f = new ConsoleFixture(sqs, sns, names.queue("h") + "-");
    dlq = f.prefix + "customer-service-dlq";
    token = f.console.token();
    f.deadLetter("customer-service-dlq", "dev.evently.saga.order.created", "HANDLER_REJECTED");
  }

  @AfterAll
  void stopConsole() {
    if (f != null) {
      f.close();
    }
  }

  private Response post(String path, String body, String... extra) throws IOException {
    String[] headers = new String[extra.length + 2];
    headers[0] = "Content-Type: application/json";
    headers[1] = ConsoleServer.TOKEN_HEADER + ": " + token;
    System.arraycopy(extra, 0, headers, 2, extra.length);
    return f.http("POST", path, body, headers);
  }

  @Test
  void pageEmbedsTheTokenAndTheApiDescribesTheTopology() throws IOException {
    Response page = f.http("GET", "/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("content=\"" + token + "\"");
    Response topology = f.http("GET", "/api/topology", null);
    assertThat(topology.body()).contains("\"name\":\"" + f.prefix + "order-events\"", "\"dlq\":\"" + dlq + "\"",
        "dev.evently.saga.order.created");
    Response stats = f.http("GET", "/api/stats", null);
    assertThat(stats.body()).contains("\"" + dlq + "\":{\"exists\":true,\"visible\":1");
  }

  @Test
  void changingRequestWithoutTokenIsRefusedWith403NamingTheHeader() throws IOException {
    Response r = f.http("POST", "/api/dlqs/" + dlq + "/purge", "{\"confirm\":\"" + dlq + "\"}", "Content-Type: application/json");

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("{\"error\":\"missing or wrong session token; reload the console page\",\"field\":\"X-Console-Token\"}");
    Response wrong = f.http("POST", "/api/dlqs/" + dlq + "/redrive", "{}", "Content-Type: application/json",
        ConsoleServer.TOKEN_HEADER + ": guessed");
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(f.depth("customer-service-dlq")).isEqualTo(1);
  }

  @Test
  void crossSiteRequestsAreRefusedEvenWithTheToken() throws IOException {
    Response origin = post("/api/dlqs/" + dlq + "/purge", "{\"confirm\":\"" + dlq + "\"}", "Origin: http://evil.example");
    assertThat(origin.status()).isEqualTo(403);
    assertThat(origin.body()).contains("\"field\":\"Origin\"").doesNotContain("evil");

    Response site = post("/api/dlqs/" + dlq + "/purge", "{\"confirm\":\"" + dlq + "\"}", "Sec-Fetch-Site: cross-site");
    assertThat(site.status()).isEqualTo(403);

    Response rebinding = f.http("GET", "/api/stats", null, "Host: attacker.example:" + f.console.port());
    assertThat(rebinding.status()).isEqualTo(403);
    assertThat(rebinding.body()).contains("\"field\":\"Host\"").doesNotContain("attacker");

    Response form = f.http("POST", "/api/dlqs/" + dlq + "/purge", "confirm=" + dlq,
        "Content-Type: application/x-www-form-urlencoded", ConsoleServer.TOKEN_HEADER + ": " + token);
    assertThat(form.status()).isEqualTo(415);
    assertThat(f.depth("customer-service-dlq")).isEqualTo(1);
  }

  @Test
  void unknownQueueIs404WithoutEchoingTheName() throws IOException {
    Response r = post("/api/dlqs/no-such-queue-xyz/peek", "{}");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("{\"error\":\"no such dead-letter queue in the topology\",\"field\":\"queue\"}");
    Response source = post("/api/dlqs/" + f.prefix + "customer-service/redrive", "{}");
    assertThat(source.status()).as("a source queue is not a DLQ").isEqualTo(404);
    assertThat(f.http("GET", "/api/nothing", null).status()).isEqualTo(404);
  }

  @Test
  void badFiltersAre400NamingTheFieldNeverTheValue() throws IOException {
    Response since = post("/api/dlqs/" + dlq + "/redrive", "{\"since\":\"<script>yesterday\"}");
    assertThat(since.status()).isEqualTo(400);
    assertThat(since.body()).contains("\"field\":\"since\"").doesNotContain("script").doesNotContain("yesterday");

    Response limit = post("/api/dlqs/" + dlq + "/redrive", "{\"limit\":-5}");
    assertThat(limit.status()).isEqualTo(400);
    assertThat(limit.body()).contains("\"field\":\"limit\"").doesNotContain("-5");

    Response reason = post("/api/dlqs/" + dlq + "/redrive", "{\"reason\":\"drop table\"}");
    assertThat(reason.body()).contains("\"field\":\"reason\"").doesNotContain("drop");

    Response unknown = post("/api/dlqs/" + dlq + "/redrive", "{\"tpye\":\"x\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("unknown member").doesNotContain("tpye");

    Response notJson = post("/api/dlqs/" + dlq + "/redrive", "{not json");
    assertThat(notJson.status()).isEqualTo(400);

    Response purge = post("/api/dlqs/" + dlq + "/purge", "{\"confirm\":\"yes\"}");
    assertThat(purge.status()).isEqualTo(400);
    assertThat(purge.body()).contains("\"field\":\"confirm\"");
    assertThat(f.depth("customer-service-dlq")).isEqualTo(1);
  }

  @Test
  void peekShowsReasonsButBodiesOnlyOnRequest() throws IOException {
    Response peek = post("/api/dlqs/" + dlq + "/peek", "{\"max\":5}");

    assertThat(peek.status()).isEqualTo(200);
    assertThat(peek.body()).contains("\"reason\":\"HANDLER_REJECTED\"", "\"type\":\"dev.evently.saga.order.created\"",
        "credit service unavailable").doesNotContain("secret-body-marker");
    String id = peek.body().replaceAll("(?s).*\"messageId\":\"([^\"]+)\".*", "$1");
    Response body = post("/api/dlqs/" + dlq + "/body", "{\"messageId\":\"" + id + "\"}");
    assertThat(body.status()).isEqualTo(200);
    assertThat(body.body()).contains("secret-body-marker");
    assertThat(post("/api/dlqs/" + dlq + "/body", "{\"messageId\":\"other\"}").status()).isEqualTo(404);
  }

  @Test
  void purgeNeedsTheDlqsNameAsConfirmationAndEmptiesIt() throws IOException {
    f.deadLetter("order-service-dlq", "dev.evently.saga.customer.credit-reserved", "UNKNOWN_TYPE");
    String orderDlq = f.prefix + "order-service-dlq";
    assertThat(post("/api/dlqs/" + orderDlq + "/purge", "{}").status()).isEqualTo(400);
    assertThat(f.http("GET", "/api/dlqs/" + orderDlq + "/purge", null).status()).isEqualTo(405);
    assertThat(f.depth("order-service-dlq")).isEqualTo(1);

    Response r = post("/api/dlqs/" + orderDlq + "/purge", "{\"confirm\":\"" + orderDlq + "\"}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"purgedApproximately\":1}");
    assertThat(f.depth("order-service-dlq")).isZero();
  }
}

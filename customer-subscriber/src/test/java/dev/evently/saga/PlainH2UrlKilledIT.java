package dev.evently.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.LocalAws;
import dev.evently.service.testing.JsonHttp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user who sets {@code DATABASE_URL} to a plain {@code jdbc:h2:file:} URL (no {@code
 * WRITE_DELAY}) gets the same durability as the built-in default: the real jar is SIGKILLed right
 * after its last 201 and, restarted on the same file, still has every customer it confirmed.
 * (With H2's default write delay of 500 ms the last confirmed customers were lost.)
 */
@LocalAws
class PlainH2UrlKilledIT {
  private static final int CUSTOMERS = 30;

  @TempDir Path dataDir;
  private SagaTopology topology;
  private Process subscriber;

  @AfterEach
  void stop() {
    if (subscriber != null) {
      subscriber.destroyForcibly();
    }
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  void killedRightAfterItsLastCreatedResponseItLosesNoConfirmedCustomer(AwsBackend aws) throws Exception {
    topology = SagaTopology.apply(aws, "h2url");
    SubscriberProcess process = new SubscriberProcess(dataDir);
    int port = SubscriberProcess.freePort();
    String plainUrl = "jdbc:h2:file:" + dataDir.resolve("customers").toAbsolutePath();
    Map<String, String> env = SubscriberProcess.env(aws, topology, port, plainUrl);
    env.put("LOG_LEVEL", "INFO");
    JsonHttp api = new JsonHttp(() -> port);

    subscriber = process.start(env);
    List<String> confirmed = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      HttpResponse<String> created = api.post("/customers", "{\"name\": \"c" + i + "\", \"creditLimit\": " + (100 + i) + "}");
      assertThat(created.statusCode()).isEqualTo(201);
      confirmed.add(JsonHttp.json(created).get("customerId").asText());
    }
    SubscriberProcess.kill(subscriber); // right after the last 201
    subscriber = process.start(env);

    for (int i = 0; i < CUSTOMERS; i++) {
      HttpResponse<String> found = api.get("/customers/" + confirmed.get(i));
      assertThat(found.statusCode()).as("customer %d of %d, confirmed before the kill", i + 1, CUSTOMERS).isEqualTo(200);
      assertThat(JsonHttp.json(found).get("creditLimit").intValue()).isEqualTo(100 + i);
    }
    assertThat(process.log()).contains("DATABASE_URL is an H2 file database without WRITE_DELAY: adding WRITE_DELAY=0");
  }
}

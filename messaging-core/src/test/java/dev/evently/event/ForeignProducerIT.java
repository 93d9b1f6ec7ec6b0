package dev.evently.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.AwsFixtures;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The boto3 producer of docs/INTEROP.md ({@code demo/interop_producer.py}) publishes a
 * structured-mode event without {@code time} and a binary-mode event to SNS; both decode, from a
 * raw and from an enveloped subscription, with their extension and the right time.
 */
@LocalAws
class ForeignProducerIT {
  record OrderCreated(String orderId, String customerId, BigDecimal orderTotal) {}

  private static final Path PRODUCER = Path.of("..", "demo", "interop_producer.py");
  private final EventCodec codec =
      EventCodec.of(EventTypes.builder().register("dev.evently.saga.order.created", OrderCreated.class).build());

  @Test
  void eventsFromTheBoto3ExampleDecodeFromRawAndEnvelopedSubscriptions(AwsBackend aws, AwsFixtures fixtures, TestNames names)
      throws Exception {
    String topic = fixtures.createTopic(names.topic("foreign"));
    String raw = fixtures.createQueue(names.queue("foreign-raw"));
    String wrapped = fixtures.createQueue(names.queue("foreign-wrapped"));
    fixtures.subscribe(topic, raw, true, null);
    fixtures.subscribe(topic, wrapped, false, null);
    Instant before = Instant.now().minusSeconds(5);

    JsonNode ids = EventCodec.defaultMapper().readTree(runProducer(aws, topic));

    for (String queue : List.of(raw, wrapped)) {
      Map<String, DecodedEvent> byId = new HashMap<>();
      for (Message m : fixtures.receiveAll(queue, Duration.ofSeconds(20), 2)) {
        DecodedEvent decoded = codec.decode(m.body(), strings(m), sentTime(m));
        byId.put(decoded.event().id(), decoded);
      }
      DecodedEvent structured = byId.get(ids.get("structured").asText());
      DecodedEvent binary = byId.get(ids.get("binary").asText());
      assertThat(structured).as("structured event from " + queue).isNotNull();
      assertThat(binary).as("binary event from " + queue).isNotNull();
      assertThat(structured.event().data()).isEqualTo(new OrderCreated("py-1", "c-1", new BigDecimal("42.5")));
      assertThat(structured.event().extensions()).containsEntry("shopregion", "eu");
      assertThat(structured.event().subject()).isEqualTo("py-1");
      assertThat(structured.timeDerived()).isTrue();
      assertThat(structured.event().time()).isBetween(before, Instant.now());
      assertThat(binary.event().data()).isEqualTo(new OrderCreated("py-2", "c-1", new BigDecimal("42.5")));
      assertThat(binary.timeDerived()).isFalse();
      assertThat(binary.event().time()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
      assertThat(codec.decode(codec.encode(structured.event()))).as("re-emitted as it came").isEqualTo(structured.event());
    }
  }

  private static String runProducer(AwsBackend aws, String topicArn) throws Exception {
    assertThat(PRODUCER).exists();
    AwsCredentials credentials = aws.credentials().resolveCredentials();
    ProcessBuilder builder = new ProcessBuilder("python3", PRODUCER.toString(), topicArn).redirectErrorStream(false);
    builder.environment().put("AWS_ENDPOINT_URL", aws.endpoint().toString());
    builder.environment().put("AWS_REGION", aws.region().id());
    builder.environment().put("AWS_DEFAULT_REGION", aws.region().id());
    builder.environment().put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
    builder.environment().put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
    Path errors = Files.createTempFile("interop-producer", ".log");
    builder.redirectError(errors.toFile());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("producer finished").isTrue();
    assertThat(process.exitValue()).as("producer: " + out + Files.readString(errors)).isZero();
    return out;
  }

  private static Map<String, String> strings(Message m) {
    Map<String, String> values = new HashMap<>();
    m.messageAttributes().forEach((name, value) -> {
      if (value.stringValue() != null) {
        values.put(name, value.stringValue());
      }
    });
    return values;
  }

  private static Instant sentTime(Message m) {
    String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
    return sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent));
  }
}

package dev.evently.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each bad file under src/test/resources/bad is rejected naming the file, the line and the field at fault. */
class BadTopologyTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown-key.yaml                  | 7  | services.customer-service.queues[0].visibiltyTimeout                    | unknown key 'visibiltyTimeout' (did you mean 'visibilityTimeout'?)
      wrong-type-publishes.yaml         | 5  | services.order-service.publishes                                        | must be a list, was a string
      wrong-type-raw-delivery.yaml      | 9  | services.customer-service.queues[0].subscriptions[0].rawDelivery        | must be true or false, was a string 'yes'
      fifo-queue-on-standard-topic.yaml | 8  | services.customer-service.queues[0].subscriptions[0].topic              | FIFO queue 'customer-service.fifo' cannot subscribe to standard topic 'order-events'
      standard-queue-on-fifo-topic.yaml | 9  | services.customer-service.queues[0].subscriptions[0].topic              | standard queue 'customer-service' cannot subscribe to FIFO topic 'order-events.fifo'
      missing-topic-reference.yaml      | 8  | services.customer-service.queues[0].subscriptions[0].topic              | unknown topic 'order-event' (did you mean 'order-events'?)
      missing-published-topic.yaml      | 5  | services.order-service.publishes[1]                                     | unknown topic 'invoice-events'
      invalid-queue-name.yaml           | 6  | services.customer-service.queues[0].name                                | 'customer service!' is not a valid queue name
      queue-name-too-long.yaml          | 6  | services.customer-service.queues[0].name                                | AWS allows at most 80 for a queue name
      invalid-topic-name.yaml           | 2  | topics.order/events                                                     | 'order/events' is not a valid topic name
      fifo-flag-without-suffix.yaml     | 3  | topics.order-events.fifo                                                | a FIFO topic's name must end in '.fifo'
      filter-policy-not-a-list.yaml     | 10 | services.customer-service.queues[0].subscriptions[0].filterPolicy.event-type | must be a list of values
      filter-policy-unknown-operator.yaml | 12 | services.customer-service.queues[0].subscriptions[0].filterPolicy.event-type[1].starts-with | unknown filter operator 'starts-with'
      filter-policy-bad-numeric.yaml    | 13 | services.customer-service.queues[0].subscriptions[0].filterPolicy.data.total[0].numeric | the range is empty
      visibility-timeout-out-of-range.yaml | 7 | services.customer-service.queues[0].visibilityTimeout                 | must be between 0 and 43200 seconds, was 50000
      max-receive-count-zero.yaml       | 7  | services.customer-service.queues[0].maxReceiveCount                     | must be between 1 and 1000, was 0
      retention-too-short.yaml          | 5  | services.customer-service.queues[0].retention                           | must be between 60 and 1209600 seconds, was 30
      dlq-retention-shorter.yaml        | 9  | services.customer-service.queues[0].dlq.retention                       | the DLQ's retention must not be shorter than the queue's
      duplicate-queue-name.yaml         | 9  | services.billing-service.queues[0].name                                 | queue name 'customer-service' is already used by services.customer-service.queues[0].name
      dlq-name-clashes.yaml             | 5  | services.customer-service.queues[1].name                                | queue name 'customer-service-dlq' is already used by services.customer-service.queues[0].name
      fifo-dlq-not-fifo.yaml            | 10 | services.customer-service.queues[0].dlq.name                            | the DLQ of a FIFO queue must be FIFO
      content-dedup-on-standard.yaml    | 3  | topics.order-events.contentBasedDeduplication                           | only a FIFO topic can deduplicate by content
      bad-scope.yaml                    | 9  | services.customer-service.queues[0].subscriptions[0].filterPolicyScope  | must be MessageAttributes or MessageBody, was 'Body'
      duplicate-key.yaml                | 4  | topics.order-events                                                     | duplicate key (first defined on line 2)
      max-receive-without-dlq.yaml      | 6  | services.customer-service.queues[0].maxReceiveCount                     | has no effect without a DLQ
      topic-size-out-of-range.yaml      | 3  | topics.order-events.maxMessageSize                                      | must be between 1024 and 1048576, was 2000000
      queue-smaller-than-topic.yaml     | 8  | services.customer-service.queues[0].maxMessageSize                      | queue 'customer-service' subscribes to topic 'order-events' whose maxMessageSize is 1048576 bytes
      payload-expiry-shorter.yaml       | 3  | payloads.order-payloads.expiryDays                                      | objects expire after 7 days but queue 'customer-service' (subscribed to topic 'order-events') or its DLQ keeps messages 1209600 s (14 days)
      unknown-payload-bucket.yaml       | 5  | topics.order-events.payloads                                            | unknown payload bucket 'order-payload'
      bad-bucket-name.yaml              | 2  | payloads.Order_Payloads                                                 | is not a valid S3 bucket name
      bad-duration.yaml                 | 5  | services.customer-service.queues[0].retention                           | must be a number of seconds or a duration such as 30s, 5m, 12h or 14d, was a string 'four days'
      """)
  void isRejectedWithFileLineAndField(String file, int line, String field, String message) {
    Path path = Path.of("src/test/resources/bad", file);

    TopologyException e = catchThrowableOfType(TopologyException.class, () -> TopologyLoader.load(path));

    assertThat(e).as("%s must be rejected", file).isNotNull();
    assertThat(e.problems()).as("problems of %s", file).hasSize(1);
    assertThat(e.getFile()).isEqualTo(path);
    assertThat(e.getLine()).as("line of %s", file).isEqualTo(line);
    assertThat(e.getField()).isEqualTo(field);
    assertThat(e.getMessage())
        .startsWith(path + ":" + line + ":")
        .contains("field '" + field + "': ")
        .contains(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not-yaml.yaml | 3 | not valid YAML
      empty.yaml    | 1 | the file is empty
      """)
  void unreadableFilesNameFileAndLine(String file, int line, String message) {
    Path path = Path.of("src/test/resources/bad", file);

    TopologyException e = catchThrowableOfType(TopologyException.class, () -> TopologyLoader.load(path));

    assertThat(e).isNotNull();
    assertThat(e.getFile()).isEqualTo(path);
    assertThat(e.getLine()).isEqualTo(line);
    assertThat(e.getMessage()).startsWith(path + ":" + line + ":").contains(message);
  }
}

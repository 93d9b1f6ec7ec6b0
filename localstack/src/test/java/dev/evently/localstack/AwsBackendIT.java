package dev.evently.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evently.localstack.AwsFixtures.AfterReceive;
import dev.evently.localstack.AwsFixtures.QueueWithDlq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@LocalAws
class AwsBackendIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> NAMES_SEEN = new ArrayList<>();
    private static int testsRun;

    private final AwsFixtures aws;
    private final SnsClient sns;
    private TestNames namesFromBeforeEach;

    AwsBackendIT(AwsFixtures aws, SnsClient sns) {
        this.aws = aws;
        this.sns = sns;
    }

    @BeforeEach
    void recordNames(TestNames names) {
        namesFromBeforeEach = names;
        synchronized (NAMES_SEEN) {
            NAMES_SEEN.add(names.queue("probe"));
            testsRun++;
        }
    }

    @AfterAll
    static void everyTestGotItsOwnNames() {
        assertThat(NAMES_SEEN).hasSize(testsRun).doesNotHaveDuplicates();
        assertThat(testsRun).isGreaterThan(1);
    }

    @Test
    void backendIsSharedAndClientsAreCached(AwsBackend backend, SqsClient sqs) {
        assertThat(AwsBackend.shared()).isSameAs(backend);
        assertThat(backend.sqs()).isSameAs(sqs);
        assertThat(backend.sns()).isSameAs(sns);
        assertThat(backend.endpoint().getScheme()).startsWith("http");
        assertThat(backend.region().id()).isNotBlank();
    }

    @Test
    void beforeEachAndTestShareTheirTestNames(TestNames names) {
        assertThat(names).isSameAs(namesFromBeforeEach);
    }

    @Test
    void publishedMessageArrivesWrappedInTheSnsEnvelope(TestNames names) {
        String topic = aws.createTopic(names.topic("orders"));
        String queue = aws.createQueue(names.queue("orders"));
        String subscription = aws.subscribe(topic, queue, false, null);

        sns.publish(b -> b.topicArn(topic).message("{\"id\":1}"));

        List<Message> messages = aws.receiveAll(queue, TIMEOUT, 1);
        assertThat(subscription).startsWith(topic);
        assertThat(messages).singleElement().satisfies(m -> {
            assertThat(m.body()).contains("\"TopicArn\"").contains(topic).contains("{\\\"id\\\":1}");
            assertThat(m.attributes()).containsKey(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        });
        assertThat(aws.approximateDepth(queue)).isZero();
    }

    @Test
    void rawDeliveryWithFilterPolicyPassesOnlyMatchingMessages(TestNames names) {
        String topic = aws.createTopic(names.topic("events"));
        String queue = aws.createQueue(names.queue("created"));
        aws.subscribe(topic, queue, true, "{\"type\":[\"created\"]}");

        sns.publish(b -> b.topicArn(topic).message("deleted-1").messageAttributes(type("deleted")));
        sns.publish(b -> b.topicArn(topic).message("created-1").messageAttributes(type("created")));

        List<Message> messages = aws.receiveAll(queue, TIMEOUT, 1);
        assertThat(messages).extracting(Message::body).containsExactly("created-1");
        assertThat(messages.get(0).messageAttributes().get("type").stringValue()).isEqualTo("created");
        assertThat(aws.approximateDepth(queue)).isZero();
    }

    @Test
    void queuePolicyAllowsEverySubscribedTopicOnlyBySourceArn(TestNames names, SqsClient sqs) {
        String first = aws.createTopic(names.topic("first"));
        String second = aws.createTopic(names.topic("second"));
        String queue = aws.createQueue(names.queue("both"));

        aws.subscribe(first, queue, true, null);
        aws.subscribe(second, queue, true, null);

        String policy = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.POLICY))
                .attributes().get(QueueAttributeName.POLICY);
        assertThat(policy).contains("sns.amazonaws.com").contains("aws:SourceArn").contains(first).contains(second)
                .contains(aws.queueArn(queue));
    }

    @Test
    void messageReceivedTooOftenMovesToTheDeadLetterQueue(TestNames names, SqsClient sqs) {
        QueueWithDlq queue = aws.createQueueWithDlq(names.queue("work"), 1,
                Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "0"));
        assertThat(queue.dlqUrl()).endsWith("-dlq");
        sqs.sendMessage(b -> b.queueUrl(queue.url()).messageBody("poison"));

        assertThat(aws.receiveAll(queue.url(), TIMEOUT, 1, AfterReceive.KEEP)).hasSize(1);
        // the next receive of the source queue is the one that moves the message
        List<Message> dead = await().atMost(TIMEOUT).until(() -> {
            aws.receiveAll(queue.url(), Duration.ofMillis(100), 1, AfterReceive.KEEP);
            return aws.receiveAll(queue.dlqUrl(), Duration.ofMillis(100), 1);
        }, list -> !list.isEmpty());
        assertThat(dead).extracting(Message::body).containsExactly("poison");
    }

    @Test
    void fifoTopicDeliversInOrderToFifoQueue(TestNames names) {
        String topic = aws.createTopic(names.fifoTopic("ledger"));
        String queue = aws.createQueue(names.fifoQueue("ledger"));
        aws.subscribe(topic, queue, true, null);

        for (int i = 1; i <= 3; i++) {
            String body = "entry-" + i;
            sns.publish(b -> b.topicArn(topic).message(body).messageGroupId("account-1").messageDeduplicationId(body));
        }

        assertThat(aws.receiveAll(queue, TIMEOUT, 3)).extracting(Message::body)
                .containsExactly("entry-1", "entry-2", "entry-3");
    }

    @Test
    void fifoQueueWithDlqGetsFifoDlq(TestNames names) {
        QueueWithDlq queue = aws.createQueueWithDlq(names.fifoQueue("ledger"), 3);

        assertThat(queue.url()).endsWith(".fifo");
        assertThat(queue.dlqUrl()).endsWith("-dlq.fifo");
        assertThat(queue.dlqArn()).endsWith("-dlq.fifo");
    }

    @Test
    void asyncClientsReachTheSameBackend(TestNames names, SqsAsyncClient sqsAsync, SnsAsyncClient snsAsync)
            throws Exception {
        String topic = snsAsync.createTopic(b -> b.name(names.topic("async"))).get(10, TimeUnit.SECONDS).topicArn();
        String queue = sqsAsync.createQueue(b -> b.queueName(names.queue("async"))).get(10, TimeUnit.SECONDS)
                .queueUrl();
        aws.subscribe(topic, queue, true, null);

        snsAsync.publish(b -> b.topicArn(topic).message("hello")).get(10, TimeUnit.SECONDS);

        assertThat(aws.receiveAll(queue, TIMEOUT, 1)).extracting(Message::body).containsExactly("hello");
    }

    private static Map<String, MessageAttributeValue> type(String value) {
        return Map.of("type", MessageAttributeValue.builder().dataType("String").stringValue(value).build());
    }
}

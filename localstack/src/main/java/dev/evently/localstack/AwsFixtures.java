package dev.evently.localstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Small SNS/SQS set-up and inspection helpers for integration tests, on real clients. Thread-safe; every method makes
 * real calls and lets SDK exceptions through.
 */
public final class AwsFixtures {

    /** What {@link #receiveAll} does with the messages it received. */
    public enum AfterReceive {
        /** Delete them: they will not be delivered again. */
        DELETE,
        /** Leave them in flight: they come back after the visibility timeout; receipt handles stay valid. */
        KEEP
    }

    /** A queue with its dead-letter queue. */
    public record QueueWithDlq(String url, String arn, String dlqUrl, String dlqArn) {
    }

    private static final String FIFO = ".fifo";
    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[^\"]+");

    private final SqsClient sqs;
    private final SnsClient sns;

    /** Fixtures on the given clients (not closed by this class). */
    public AwsFixtures(SqsClient sqs, SnsClient sns) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.sns = Objects.requireNonNull(sns, "sns");
    }

    /** Fixtures on the backend's shared clients. */
    public static AwsFixtures of(AwsBackend backend) {
        Objects.requireNonNull(backend, "backend");
        return new AwsFixtures(backend.sqs(), backend.sns());
    }

    /** Creates a topic (a FIFO topic when the name ends with {@code .fifo}) and returns its ARN. */
    public String createTopic(String name) {
        return createTopic(name, Map.of());
    }

    /** Creates a topic with the given attributes (plus {@code FifoTopic=true} for a {@code .fifo} name). */
    public String createTopic(String name, Map<String, String> attributes) {
        requireName(name);
        Map<String, String> all = new HashMap<>(attributes);
        if (name.endsWith(FIFO)) {
            all.putIfAbsent("FifoTopic", "true");
        }
        return sns.createTopic(b -> b.name(name).attributes(all)).topicArn();
    }

    /** Creates a queue (a FIFO queue when the name ends with {@code .fifo}) and returns its URL. */
    public String createQueue(String name) {
        return createQueue(name, Map.of());
    }

    /**
     * Creates a queue with the given attributes (plus {@code FifoQueue=true} for a {@code .fifo} name) and returns its
     * URL. Content-based deduplication is not switched on: pass it when wanted.
     */
    public String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        requireName(name);
        Map<QueueAttributeName, String> all = new EnumMap<>(QueueAttributeName.class);
        all.putAll(attributes);
        if (name.endsWith(FIFO)) {
            all.putIfAbsent(QueueAttributeName.FIFO_QUEUE, "true");
        }
        return sqs.createQueue(b -> b.queueName(name).attributes(all)).queueUrl();
    }

    /** The queue's ARN. */
    public String queueArn(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /**
     * Creates a queue and its dead-letter queue ({@code <name>-dlq}, or {@code <name>-dlq.fifo} for a FIFO queue)
     * with a redrive policy moving a message after {@code maxReceiveCount} receives.
     */
    public QueueWithDlq createQueueWithDlq(String name, int maxReceiveCount) {
        return createQueueWithDlq(name, maxReceiveCount, Map.of());
    }

    /** As {@link #createQueueWithDlq(String, int)}, with extra attributes (e.g. VisibilityTimeout) for the main queue. */
    public QueueWithDlq createQueueWithDlq(String name, int maxReceiveCount,
                                           Map<QueueAttributeName, String> attributes) {
        requireName(name);
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
            throw new IllegalArgumentException("maxReceiveCount must be in 1..1000, was " + maxReceiveCount);
        }
        String dlqName = name.endsWith(FIFO)
                ? name.substring(0, name.length() - FIFO.length()) + "-dlq" + FIFO
                : name + "-dlq";
        if (dlqName.length() > 80) {
            throw new IllegalArgumentException("name too long for a DLQ name (" + dlqName + " > 80 characters): " + name);
        }
        String dlqUrl = createQueue(dlqName);
        String dlqArn = queueArn(dlqUrl);
        Map<QueueAttributeName, String> all = new EnumMap<>(QueueAttributeName.class);
        all.putAll(attributes);
        all.put(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}");
        String url = createQueue(name, all);
        return new QueueWithDlq(url, queueArn(url), dlqUrl, dlqArn);
    }

    /**
     * Subscribes a queue to a topic and returns the subscription ARN. Also sets the queue policy so that
     * {@code sns.amazonaws.com} may send to the queue only from the topics subscribed through this method
     * ({@code aws:SourceArn}); the policy is replaced, keeping topics it already allowed.
     *
     * @param raw raw message delivery (no SNS JSON envelope)
     * @param filterPolicyJsonOrNull a filter policy on message attributes, or null for none
     */
    public String subscribe(String topicArn, String queueUrl, boolean raw, String filterPolicyJsonOrNull) {
        Map<String, String> attributes = new HashMap<>();
        if (raw) {
            attributes.put("RawMessageDelivery", "true");
        }
        if (filterPolicyJsonOrNull != null) {
            attributes.put("FilterPolicy", filterPolicyJsonOrNull);
        }
        return subscribe(topicArn, queueUrl, attributes);
    }

    /**
     * Subscribes a queue to a topic with any subscription attributes (e.g. {@code FilterPolicyScope=MessageBody})
     * and returns the subscription ARN; sets the queue policy as {@link #subscribe(String, String, boolean, String)}.
     */
    public String subscribe(String topicArn, String queueUrl, Map<String, String> subscriptionAttributes) {
        Objects.requireNonNull(topicArn, "topicArn");
        Objects.requireNonNull(queueUrl, "queueUrl");
        String queueArn = allowTopic(queueUrl, topicArn);
        return sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                .attributes(subscriptionAttributes).returnSubscriptionArn(true)).subscriptionArn();
    }

    private String allowTopic(String queueUrl, String topicArn) {
        Map<QueueAttributeName, String> current = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN, QueueAttributeName.POLICY)).attributes();
        String queueArn = current.get(QueueAttributeName.QUEUE_ARN);
        Set<String> topics = new LinkedHashSet<>();
        String policy = current.get(QueueAttributeName.POLICY);
        if (policy != null) {
            Matcher matcher = TOPIC_ARN.matcher(policy);
            while (matcher.find()) {
                topics.add(matcher.group());
            }
        }
        topics.add(topicArn);
        String sourceArns = topics.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        String newPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AllowSnsTopics\","
                + "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"sns.amazonaws.com\"},"
                + "\"Action\":\"sqs:SendMessage\",\"Resource\":\"" + queueArn + "\","
                + "\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":[" + sourceArns + "]}}}]}";
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, newPolicy)));
        return queueArn;
    }

    /** Receives until {@code expected} messages arrived or {@code timeout} passed, deleting them. */
    public List<Message> receiveAll(String queueUrl, Duration timeout, int expected) {
        return receiveAll(queueUrl, timeout, expected, AfterReceive.DELETE);
    }

    /**
     * Long-polls until {@code expected} messages arrived or {@code timeout} passed, asking for all message
     * attributes and all system attributes (so {@code ApproximateReceiveCount} is there).
     *
     * @return the messages in arrival order: at most {@code expected}, fewer when the timeout passed first
     */
    public List<Message> receiveAll(String queueUrl, Duration timeout, int expected, AfterReceive afterReceive) {
        Objects.requireNonNull(queueUrl, "queueUrl");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(afterReceive, "afterReceive");
        if (expected < 1) {
            throw new IllegalArgumentException("expected must be > 0, was " + expected);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Message> received = new ArrayList<>();
        while (received.size() < expected) {
            long remainingMillis = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
            if (remainingMillis <= 0) {
                break;
            }
            int wait = (int) Math.min(5, remainingMillis / 1000);
            int max = Math.min(10, expected - received.size());
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(max)
                    .waitTimeSeconds(wait).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (afterReceive == AfterReceive.DELETE && !batch.isEmpty()) {
                List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                            .receiptHandle(batch.get(i).receiptHandle()).build());
                }
                var result = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                if (!result.failed().isEmpty()) {
                    throw new IllegalStateException("could not delete received messages: " + result.failed());
                }
            }
            received.addAll(batch);
        }
        return received;
    }

    /** {@code ApproximateNumberOfMessages}: the messages visible in the queue now (approximately). */
    public int approximateDepth(String queueUrl) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    /** Every message of the queue: visible, in flight and delayed (approximate, as SQS reports it). */
    public int messagesIn(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes().values().stream().mapToInt(Integer::parseInt).sum();
    }

    /** Sends the entries with SendMessageBatch, 10 at a time; any failed entry is an exception. */
    public void sendBatches(String queueUrl, List<SendMessageBatchRequestEntry> entries) {
        for (int i = 0; i < entries.size(); i += 10) {
            List<SendMessageBatchRequestEntry> batch = entries.subList(i, Math.min(i + 10, entries.size()));
            var result = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
            if (!result.failed().isEmpty()) {
                throw new IllegalStateException("send to " + queueUrl + " failed: " + result.failed());
            }
        }
    }

    private static void requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }
}

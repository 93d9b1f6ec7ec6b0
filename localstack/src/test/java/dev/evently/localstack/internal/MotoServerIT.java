package dev.evently.localstack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The moto that {@link MotoServer} starts: its SQS queues take a lock around receive, delete and visibility
 * changes (moto's own DeleteMessage can lose a message sent meanwhile: replayed step by step by
 * {@code src/test/python/moto_delete_race.py}), and a long poll still lets sends in while it waits, also on a FIFO
 * queue whose visible messages belong to a group in flight (where moto's own long poll spins instead of waiting).
 */
class MotoServerIT {

    @TempDir
    static Path logs;

    private static MotoServer moto;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        moto = MotoServer.start(logs, Duration.ofSeconds(60));
        sqs = SqsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    @AfterAll
    static void stop() {
        try (MotoServer server = moto; SqsClient client = sqs) {
            // closes the client, then moto (a null one is skipped)
        }
    }

    @Test
    void motoRunsWithAtomicSqsQueues() throws Exception {
        assertThat(Files.readString(moto.log())).contains(MotoServer.ATOMIC_SQS_MARKER);
    }

    @Test
    void deleteRaceLosesASentMessageInPlainMotoButNotWithTheLock() throws Exception {
        assertThat(replayDeleteRace())
                .as("plain moto; if this fails, moto fixed its DeleteMessage race and moto_server.py may go")
                .contains("left: b,c");
        assertThat(replayDeleteRace("--patched", "src/main/resources/dev/evently/localstack/internal/moto_server.py"))
                .contains("left: c,x");
    }

    /** Runs src/test/python/moto_delete_race.py; its output. */
    private static String replayDeleteRace(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                MotoServer.pythonWithMoto().orElseThrow().toString(), "src/test/python/moto_delete_race.py"));
        command.addAll(List.of(args));
        Process replay = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(replay.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        return output;
    }

    @Test
    void longPollGetsAMessageSentWhileItWaits() throws Exception {
        String queue = sqs.createQueue(b -> b.queueName("long-poll-" + System.nanoTime())).queueUrl();
        long t0 = System.nanoTime();
        CompletableFuture<List<Message>> poll = CompletableFuture.supplyAsync(
                () -> sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(10)).messages());
        // the queue is empty: the receive is waiting (and holds the queue's lock only while it scans)
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !poll.isDone());
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody("wake up"));
        long sentAfter = System.nanoTime() - t0;

        List<Message> received = poll.get(15, TimeUnit.SECONDS);

        assertThat(received).extracting(Message::body).containsExactly("wake up");
        assertThat(Duration.ofNanos(sentAfter)).isLessThan(Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void fifoLongPollsWaitWithoutStallingSendsDeletesOrEachOther() throws Exception {
        String queue = sqs.createQueue(b -> b.queueName("fifo-poll-" + System.nanoTime() + ".fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                        QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"))).queueUrl();
        for (String body : List.of("a1", "a2")) {
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody(body).messageGroupId("a"));
        }
        Message a1 = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(1)).messages().get(0);
        // group "a" is in flight: a2 is visible but not deliverable, the case in which moto's own poll spins
        long t0 = System.nanoTime();
        List<CompletableFuture<List<Message>>> polls = List.of(longPoll(queue), longPoll(queue));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> polls.stream().noneMatch(CompletableFuture::isDone));

        sqs.sendMessage(b -> b.queueUrl(queue).messageBody("b1").messageGroupId("b"));
        Duration sent = Duration.ofNanos(System.nanoTime() - t0);
        sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(a1.receiptHandle())); // frees group "a"
        Duration deleted = Duration.ofNanos(System.nanoTime() - t0);
        await().atMost(Duration.ofSeconds(15)).until(() -> polls.stream().allMatch(CompletableFuture::isDone));
        Duration polled = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(polls.stream().flatMap(p -> p.join().stream()).map(Message::body)).containsExactlyInAnyOrder("b1", "a2");
        // each poll waits up to 20 s: none of these may have waited for one
        assertThat(sent).isLessThan(Duration.ofSeconds(10));
        assertThat(deleted).isLessThan(Duration.ofSeconds(10));
        assertThat(polled).isLessThan(Duration.ofSeconds(15));
    }

    private static CompletableFuture<List<Message>> longPoll(String queue) {
        return CompletableFuture.supplyAsync(
                () -> sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(1).waitTimeSeconds(20)).messages());
    }
}

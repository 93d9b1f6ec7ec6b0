package dev.evently.localstack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The moto that {@link MotoServer} starts: its SQS queues take a lock around receive, delete and visibility
 * changes (moto's own DeleteMessage can lose a message sent meanwhile: replayed step by step by
 * {@code src/test/python/moto_delete_race.py}), and a long poll still lets sends in while it waits.
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
}

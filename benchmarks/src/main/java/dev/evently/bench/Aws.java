package dev.evently.bench;

import dev.evently.event.EventCodec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Clients and queue helpers shared by every variant. All variants get the same client
 * configuration: the SDK's Netty client with room for 256 concurrent requests, so the HTTP pool
 * never limits a variant.
 */
final class Aws {
  static final Region REGION = Region.US_EAST_1;
  static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));

  private Aws() {}

  /**
   * The HTTP client every variant gets: the SDK's Netty client, or with {@code -Dbench.http=crt}
   * the AWS CRT client (for the evaluation in docs/BENCHMARKS.md; same settings for everyone).
   */
  static SdkAsyncHttpClient http() {
    if ("crt".equals(System.getProperty("bench.http"))) {
      return software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient.builder()
          .maxConcurrency(256)
          .connectionAcquisitionTimeout(Duration.ofSeconds(30))
          .build();
    }
    return NettyNioAsyncHttpClient.builder()
        .maxConcurrency(256)
        .maxPendingConnectionAcquires(100_000)
        .connectionAcquisitionTimeout(Duration.ofSeconds(30))
        .build();
  }

  static SqsAsyncClient sqs(String endpoint, ExecutionInterceptor... interceptors) {
    ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
    for (ExecutionInterceptor i : interceptors) {
      override.addExecutionInterceptor(i);
    }
    return SqsAsyncClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .httpClient(http())
        .overrideConfiguration(override.build())
        // -Dbench.md5=off: no MD5 check of received messages, for every variant (evaluation only)
        .checksumValidationEnabled(!"off".equals(System.getProperty("bench.md5")))
        .build();
  }

  static SnsAsyncClient sns(String endpoint) {
    return SnsAsyncClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .httpClient(http())
        .build();
  }

  static String createQueue(SqsAsyncClient sqs, String name) {
    return sqs.createQueue(r -> r.queueName(name)).join().queueUrl();
  }

  static String uniqueName(String prefix) {
    return (prefix + "-" + Long.toString(System.nanoTime(), 36)).replaceAll("[^A-Za-z0-9_-]", "-");
  }

  /** Sends {@code count} encoded events with up to 16 SendMessageBatch calls in flight. */
  static void preload(SqsAsyncClient sqs, String queueUrl, EventCodec codec, int count) {
    Semaphore permits = new Semaphore(16);
    List<CompletableFuture<?>> calls = new ArrayList<>();
    AtomicLong failed = new AtomicLong();
    for (int start = 0; start < count; start += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
      for (int i = start; i < Math.min(count, start + 10); i++) {
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id(Integer.toString(i - start))
                .messageBody(codec.encode(BenchEvent.event(i)))
                .build());
      }
      permits.acquireUninterruptibly();
      calls.add(
          sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries))
              .whenComplete(
                  (resp, err) -> {
                    permits.release();
                    if (err != null) {
                      failed.addAndGet(entries.size());
                    } else {
                      failed.addAndGet(resp.failed().size());
                    }
                  }));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " messages failed to preload");
    }
  }

  /** Messages in the queue that are not deleted yet: visible, in flight and delayed. */
  static long depth(SqsAsyncClient sqs, String queueUrl) {
    Map<QueueAttributeName, String> a =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .join()
            .attributes();
    long total = 0;
    for (String v : a.values()) {
      total += Long.parseLong(v);
    }
    return total;
  }
}

package dev.evently.bench;

import dev.evently.event.Event;
import dev.evently.event.EventAttributes;
import dev.evently.event.EventCodec;
import dev.evently.publish.EventPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Publisher benchmarks through SNS on moto: throughput (B3) and publish-to-handler latency (B4). */
final class PublisherBench {
  private PublisherBench() {}

  /**
   * Publishes {@code warmup} then {@code messages} events with the variant and times the second
   * part: {@code sequential} (one Publish call at a time), {@code raw-batch-C} (C concurrent loops
   * of PublishBatch(10); {@code raw-batch-C-attr}: each message with the {@code event-type}
   * attribute, as ours sends it), {@code ours} (our auto-batching publisher, every event handed over at
   * once; {@code ours-otel}: the same, traced by the OpenTelemetry SDK into a dropping exporter). An
   * event counts once SNS accepted it.
   */
  static Result throughput(String variant, String endpoint, int warmup, int messages) throws Exception {
    EventCodec codec = BenchEvent.codec();
    SnsAsyncClient control = Aws.sns(endpoint);
    SnsAsyncClient client = Aws.sns(endpoint);
    String topicArn =
        control.createTopic(r -> r.name(Aws.uniqueName("b3-" + variant))).join().topicArn();
    EventPublisher ours =
        variant.equals("ours") || variant.equals("ours-otel")
            ? OursPublisher.create(client, topicArn, codec, Math.max(warmup, messages), variant.equals("ours-otel"))
            : null;
    publish(variant, client, topicArn, codec, ours, events(0, warmup));
    List<Event<BenchEvent>> timed = events(warmup, messages);
    Result.Mark start = Result.Mark.now();
    publish(variant, client, topicArn, codec, ours, timed);
    Result.Mark end = Result.Mark.now();
    if (ours != null) {
      ours.close();
    }
    control.deleteTopic(r -> r.topicArn(topicArn)).join();
    Result result =
        new Result("b3", variant)
            .put("messages", messages)
            .put("msg_per_s", Result.round(messages / start.secondsUntil(end), 1));
    return start.putTimed(result, end, messages);
  }

  private static List<Event<BenchEvent>> events(int from, int count) {
    List<Event<BenchEvent>> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(BenchEvent.event(from + i));
    }
    return events;
  }

  private static void publish(
      String variant, SnsAsyncClient sns, String topicArn, EventCodec codec, EventPublisher ours, List<Event<BenchEvent>> events) {
    if (variant.equals("sequential")) {
      for (Event<BenchEvent> e : events) {
        sns.publish(r -> r.topicArn(topicArn).message(codec.encode(e))).join();
      }
    } else if (variant.startsWith("raw-batch-")) {
      String loops = variant.substring("raw-batch-".length());
      boolean typed = loops.endsWith("-attr");
      rawBatches(sns, topicArn, codec, events, Integer.parseInt(typed ? loops.substring(0, loops.length() - 5) : loops), typed);
    } else if (ours != null) {
      CompletableFuture.allOf(ours.publishAll(events).toArray(CompletableFuture[]::new)).join();
    } else {
      throw new IllegalArgumentException("unknown publisher variant: " + variant);
    }
  }

  /**
   * {@code loops} concurrent loops, each taking the next 10 events and awaiting its PublishBatch;
   * with {@code typed}, each message carries the {@code event-type} attribute ours sends.
   */
  private static void rawBatches(
      SnsAsyncClient sns, String topicArn, EventCodec codec, List<Event<BenchEvent>> events, int loops, boolean typed) {
    AtomicInteger next = new AtomicInteger();
    AtomicLong failed = new AtomicLong();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int l = 0; l < loops; l++) {
      CompletableFuture<Void> loopDone = new CompletableFuture<>();
      done.add(loopDone);
      batchLoop(sns, topicArn, codec, events, typed, next, failed, loopDone);
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " events failed to publish");
    }
  }

  private static void batchLoop(
      SnsAsyncClient sns,
      String topicArn,
      EventCodec codec,
      List<Event<BenchEvent>> events,
      boolean typed,
      AtomicInteger next,
      AtomicLong failed,
      CompletableFuture<Void> loopDone) {
    int start = next.getAndAdd(10);
    if (start >= events.size()) {
      loopDone.complete(null);
      return;
    }
    List<PublishBatchRequestEntry> entries = new ArrayList<>(10);
    for (int i = start; i < Math.min(events.size(), start + 10); i++) {
      PublishBatchRequestEntry.Builder entry =
          PublishBatchRequestEntry.builder().id(Integer.toString(i - start)).message(codec.encode(events.get(i)));
      if (typed) {
        entry.messageAttributes(
            Map.of(EventAttributes.TYPE, MessageAttributeValue.builder().dataType("String").stringValue(events.get(i).type()).build()));
      }
      entries.add(entry.build());
    }
    sns.publishBatch(r -> r.topicArn(topicArn).publishBatchRequestEntries(entries))
        .whenComplete(
            (PublishBatchResponse resp, Throwable err) -> {
              failed.addAndGet(err != null ? entries.size() : resp.failed().size());
              batchLoop(sns, topicArn, codec, events, typed, next, failed, loopDone);
            });
  }

  /**
   * End-to-end latency through SNS -> SQS on moto: publishes {@code messages} events at {@code
   * rate} per second to a topic with a raw-delivery SQS subscription and measures, per event, the
   * time from the publish call to the handler. {@code ours} uses our publisher and consumer; {@code
   * raw} one Publish call per event and one long-polling receive/delete loop.
   */
  static Result endToEnd(String variant, String endpoint, int messages, int rate) throws Exception {
    EventCodec codec = BenchEvent.codec();
    SnsAsyncClient sns = Aws.sns(endpoint);
    SqsAsyncClient sqs = Aws.sqs(endpoint);
    String topicArn = sns.createTopic(r -> r.name(Aws.uniqueName("b4e2e-" + variant))).join().topicArn();
    String queueName = Aws.uniqueName("b4e2e-" + variant);
    String queueUrl = Aws.createQueue(sqs, queueName);
    String queueArn =
        sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .join()
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(
            r ->
                r.topicArn(topicArn)
                    .protocol("sqs")
                    .endpoint(queueArn)
                    .attributes(Map.of("RawMessageDelivery", "true")))
        .join();

    Map<String, Long> publishedAt = new ConcurrentHashMap<>();
    Map<String, Long> handledAt = new ConcurrentHashMap<>();
    Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    ConsumerVariant.Handler handler = x -> handledAt.putIfAbsent(BenchEvent.idOf(x), System.nanoTime());
    boolean isOurs = variant.equals("ours");
    ConsumerVariant consumer =
        isOurs
            ? OursConsumer.create(sqs, queueName, OursConsumer.Options.parse("10"), handler)
            : new RawConsumer(sqs, queueUrl, 1, 0, 20, handler);
    EventPublisher publisher = isOurs ? OursPublisher.create(sns, topicArn, codec, messages) : null;
    consumer.start();
    Thread.sleep(500);

    long intervalNanos = 1_000_000_000L / rate;
    long next = System.nanoTime();
    List<CompletableFuture<?>> sent = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      while (System.nanoTime() < next) {
        Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
      }
      next += intervalNanos;
      Event<BenchEvent> event = BenchEvent.event(i);
      publishedAt.put(event.id(), System.nanoTime());
      CompletableFuture<?> call =
          isOurs
              ? publisher.publish(event)
              : sns.publish(r -> r.topicArn(topicArn).message(codec.encode(event)));
      sent.add(call.whenComplete((ok, err) -> acceptedAt.put(event.id(), System.nanoTime())));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (handledAt.size() < messages && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    double[] ms = Result.millisBetween(publishedAt, handledAt);
    double[] publishMs = Result.millisBetween(publishedAt, acceptedAt);
    return new Result("b4e2e", variant)
        .put("messages", messages)
        .put("rate_per_s", rate)
        .put("received", ms.length)
        .put("e2e_p50_ms", Result.round(Result.percentile(ms, 50), 2))
        .put("e2e_p99_ms", Result.round(Result.percentile(ms, 99), 2))
        .put("publish_p50_ms", Result.round(Result.percentile(publishMs, 50), 2))
        .put("publish_p99_ms", Result.round(Result.percentile(publishMs, 99), 2));
  }
}

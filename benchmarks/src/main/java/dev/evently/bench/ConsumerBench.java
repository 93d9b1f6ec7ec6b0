package dev.evently.bench;

import dev.evently.event.EventCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Consumer benchmarks against ElasticMQ: throughput (B1, B2, B5), ack latency and shutdown (B4). */
final class ConsumerBench {
  private static final long POLL_MILLIS = 10;

  private ConsumerBench() {}

  /**
   * Preloads {@code warmup + messages} messages, starts the variant and times the deletion of the
   * last {@code messages} ones: the first {@code warmup} warm the JIT and the connections. A message
   * counts once it is gone from the queue (visible + in flight + delayed), i.e. once its delete
   * succeeded. With {@code memory}, samples heap-after-GC and RSS halfway through.
   */
  static Result throughput(
      String bench, String variant, String endpoint, int warmup, int messages, int sleepMillis, boolean memory)
      throws Exception {
    EventCodec codec = BenchEvent.codec();
    SqsAsyncClient control = Aws.sqs(endpoint);
    CallStats calls = new CallStats();
    SqsAsyncClient client = Aws.sqs(endpoint, calls);
    String name = Aws.uniqueName(bench + "-" + variant);
    String url = Aws.createQueue(control, name);
    long total = (long) warmup + messages;
    long p0 = System.nanoTime();
    Aws.preload(control, url, codec, (int) total);
    System.err.printf("preloaded %d messages in %.1f s%n", total, (System.nanoTime() - p0) / 1e9);
    AtomicLong handled = new AtomicLong();
    ConsumerVariant.Handler handler =
        sleepMillis > 0
            ? x -> {
              Thread.sleep(sleepMillis);
              handled.incrementAndGet();
            }
            : x -> handled.incrementAndGet();
    ConsumerVariant consumer = Variants.consumer(variant, client, url, name, 1, handler);

    long deadline = System.nanoTime() + 300_000_000_000L;
    long prevT = System.nanoTime();
    long prevDepth = total;
    double t0 = Double.NaN;
    long cpu0 = 0;
    double heapMib = Double.NaN;
    double rssMib = Double.NaN;
    consumer.start();
    while (true) {
      Thread.sleep(POLL_MILLIS);
      long depth = Aws.depth(control, url);
      long now = System.nanoTime();
      if (Double.isNaN(t0) && depth <= messages) {
        // interpolate the moment the depth crossed `messages`
        double frac = prevDepth == depth ? 1 : (double) (prevDepth - messages) / (prevDepth - depth);
        t0 = prevT + frac * (now - prevT);
        cpu0 = Result.cpuNanos();
        calls.startCounting();
      }
      if (memory && Double.isNaN(heapMib) && depth <= messages / 2) {
        heapMib = Result.heapAfterGcMib();
        rssMib = Result.rssMib();
      }
      if (depth == 0) {
        long cpu1 = Result.cpuNanos();
        double seconds = (now - t0) / 1e9;
        Result r =
            new Result(bench, variant)
                .put("messages", messages)
                .put("msg_per_s", Result.round(messages / seconds, 1))
                .put("seconds", Result.round(seconds, 3))
                .put("cpu_ms_per_msg", Result.round((cpu1 - cpu0) / 1e6 / messages, 4))
                .put("handled", handled.get())
                .put("total_preloaded", total);
        calls.addTo(r, messages);
        if (memory) {
          r.put("heap_after_gc_mib", Result.round(heapMib, 1)).put("rss_mib", Result.round(rssMib, 1));
        }
        control.deleteQueue(q -> q.queueUrl(url)).join();
        return r;
      }
      if (now > deadline) {
        throw new IllegalStateException("queue not drained within 300 s; depth " + depth);
      }
      prevT = now;
      prevDepth = depth;
    }
  }

  /**
   * Acknowledgement latency at low load: sends {@code batches} batches of {@code perBatch}
   * messages, one batch every {@code gapMillis}, and measures for each message the time from its
   * handler's return to the confirmation of its delete (seen by an SDK interceptor).
   */
  static Result ackLatency(String variant, String endpoint, int batches, int perBatch, long gapMillis)
      throws Exception {
    EventCodec codec = BenchEvent.codec();
    SqsAsyncClient control = Aws.sqs(endpoint);
    AckRecorder recorder = new AckRecorder();
    SqsAsyncClient client = Aws.sqs(endpoint, recorder);
    String name = Aws.uniqueName("b4ack-" + variant);
    String url = Aws.createQueue(control, name);
    Map<String, Long> returnedAt = new ConcurrentHashMap<>();
    ConsumerVariant consumer =
        Variants.consumer(
            variant, client, url, name, 20, x -> returnedAt.put(BenchEvent.idOf(x), System.nanoTime()));
    consumer.start();
    Thread.sleep(500);
    int expected = batches * perBatch;
    long seq = 0;
    for (int b = 0; b < batches; b++) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < perBatch; i++) {
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .messageBody(codec.encode(BenchEvent.event(seq++)))
                .build());
      }
      control.sendMessageBatch(r -> r.queueUrl(url).entries(entries)).join();
      Thread.sleep(gapMillis);
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (recorder.deletedAtNanos.size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    double[] ms = Result.millisBetween(returnedAt, recorder.deletedAtNanos);
    control.deleteQueue(q -> q.queueUrl(url)).join();
    return new Result("b4ack", variant)
        .put("messages", expected)
        .put("acked", ms.length)
        .put("ack_p50_ms", Result.round(Result.percentile(ms, 50), 2))
        .put("ack_p99_ms", Result.round(Result.percentile(ms, 99), 2))
        .put("ack_max_ms", Result.round(ms.length == 0 ? Double.NaN : ms[ms.length - 1], 2));
  }

  /** Time {@code close()} takes on an idle consumer that has been long-polling an empty queue. */
  static Result idleShutdown(String variant, String endpoint) throws Exception {
    SqsAsyncClient control = Aws.sqs(endpoint);
    SqsAsyncClient client = Aws.sqs(endpoint);
    String name = Aws.uniqueName("b4stop-" + variant);
    String url = Aws.createQueue(control, name);
    ConsumerVariant consumer = Variants.consumer(variant, client, url, name, 20, x -> {});
    consumer.start();
    Thread.sleep(1000);
    long t0 = System.nanoTime();
    consumer.close();
    double ms = (System.nanoTime() - t0) / 1e6;
    control.deleteQueue(q -> q.queueUrl(url)).join();
    return new Result("b4stop", variant).put("shutdown_ms", Result.round(ms, 1));
  }

}

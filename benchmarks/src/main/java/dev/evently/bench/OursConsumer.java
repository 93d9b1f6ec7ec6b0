package dev.evently.bench;

import dev.evently.consume.SqsConsumer;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Our consumer, {@link SqsConsumer}, with its defaults except concurrency (its own handler pool of
 * concurrency threads, default prefetch, 20 s long poll). The benchmark queues have no dead-letter
 * queue.
 */
final class OursConsumer implements ConsumerVariant {
  private final SqsConsumer consumer;

  private OursConsumer(SqsConsumer consumer) {
    this.consumer = consumer;
  }

  /**
   * {@code ours-N[pP][rC][xT][v][o]}: concurrency N; prefetch P (default: the consumer's); at most C
   * receive calls; handlers on a fixed pool of T threads; {@code v}: on virtual threads (Java 21+);
   * {@code o}: traced by the OpenTelemetry SDK into a dropping exporter ({@link BenchOtel}).
   */
  record Options(int concurrency, Integer prefetch, Integer receiveConcurrency, Integer threads, boolean virtual, boolean otel) {
    private static final Pattern FORM = Pattern.compile("(\\d+)(?:p(\\d+))?(?:r(\\d+))?(?:x(\\d+))?(v)?(o)?");

    static Options parse(String param) {
      Matcher m = FORM.matcher(param);
      if (!m.matches()) {
        throw new IllegalArgumentException("ours-" + param + ": expected ours-N[pP][rC][xT][v][o]");
      }
      return new Options(
          Integer.parseInt(m.group(1)), integer(m.group(2)), integer(m.group(3)), integer(m.group(4)), m.group(5) != null,
          m.group(6) != null);
    }

    private static Integer integer(String s) {
      return s == null ? null : Integer.valueOf(s);
    }
  }

  static ConsumerVariant create(
      SqsAsyncClient sqs, String queueName, Options options, ConsumerVariant.Handler handler) {
    SqsConsumer.Builder builder =
        SqsConsumer.builder()
            .client(sqs)
            .queueName(queueName)
            .codec(BenchEvent.codec())
            .concurrency(options.concurrency())
            .allowMissingDeadLetterQueue(true)
            .handle(BenchEvent.class, event -> handler.handle(event.id()));
    if (options.prefetch() != null) {
      builder.prefetch(options.prefetch());
    }
    if (options.receiveConcurrency() != null) {
      builder.receiveConcurrency(options.receiveConcurrency());
    }
    if (options.threads() != null) {
      builder.executor(Executors.newFixedThreadPool(options.threads()));
    }
    if (options.virtual()) {
      builder.executor(VirtualThreads.executor());
    }
    if (options.otel()) {
      builder.openTelemetry(BenchOtel.sdk());
    }
    return new OursConsumer(builder.build());
  }

  @Override
  public void start() {
    consumer.start();
  }

  @Override
  public void close() {
    consumer.close();
  }
}

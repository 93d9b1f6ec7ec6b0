package dev.evently.bench;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Consumer variants by name: {@code raw-w<W>} (W receive/delete loops, handler inline), {@code
 * raw-p<N>} (N/10 loops, each handling its 10 messages in parallel: N in flight), {@code sca-<N>}
 * (Spring Cloud AWS, maxConcurrentMessages N), {@code ours-<N>} (our consumer at concurrency N, default prefetch; options in {@link OursConsumer.Options}).
 */
final class Variants {
  private Variants() {}

  static ConsumerVariant consumer(
      String variant,
      SqsAsyncClient sqs,
      String queueUrl,
      String queueName,
      int waitSeconds,
      ConsumerVariant.Handler handler) {
    int dash = variant.lastIndexOf('-');
    String kind = variant.substring(0, dash);
    String param = variant.substring(dash + 1);
    switch (kind) {
      case "raw":
        if (param.startsWith("w")) {
          return new RawConsumer(sqs, queueUrl, Integer.parseInt(param.substring(1)), 0, waitSeconds, handler);
        }
        int inFlight = Integer.parseInt(param.substring(1));
        return new RawConsumer(sqs, queueUrl, Math.max(1, inFlight / 10), inFlight, waitSeconds, handler);
      case "sca":
        return new ScaConsumer(sqs, queueName, Integer.parseInt(param), null, handler);
      case "ours":
        return OursConsumer.create(sqs, queueName, OursConsumer.Options.parse(param), handler);
      default:
        throw new IllegalArgumentException("unknown consumer variant: " + variant);
    }
  }
}

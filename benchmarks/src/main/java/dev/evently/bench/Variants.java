package dev.evently.bench;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Consumer variants by name: {@code raw-w<W>} (W receive/delete loops, handler inline), {@code
 * raw-p<N>} (N/10 loops, each handling its 10 messages in parallel: N in flight), {@code sca-<N>}
 * (Spring Cloud AWS, maxConcurrentMessages N), {@code ours-<N>} (our consumer, max in-flight N; {@code ours-NrC} also sets receiveConcurrency C).
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
        // ours-N uses the consumer's defaults; ours-NrC sets receiveConcurrency C (diagnostics)
        int x = param.indexOf('x');
        if (x > 0) { // ours-NxT: handlers on a fixed pool of T threads (diagnostics)
          return OursConsumer.create(
              sqs, queueName, Integer.parseInt(param.substring(0, x)), 0, Integer.parseInt(param.substring(x + 1)), handler);
        }
        int r = param.indexOf('r');
        return r < 0
            ? OursConsumer.create(sqs, queueName, Integer.parseInt(param), 0, handler)
            : OursConsumer.create(
                sqs, queueName, Integer.parseInt(param.substring(0, r)), Integer.parseInt(param.substring(r + 1)), handler);
      default:
        throw new IllegalArgumentException("unknown consumer variant: " + variant);
    }
  }
}

package dev.evently.bench;

import dev.evently.event.EventCodec;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * ElasticMQ as its own JVM: starts on 127.0.0.1:port, warms up (sends and consumes {@code warmup}
 * messages so the server's JIT and pools are hot before any timing), prints {@code READY}, then
 * serves until killed.
 */
final class ElasticMq {
  private ElasticMq() {}

  static void serve(int port, int warmup) throws Exception {
    SQSRestServer server = SQSRestServerBuilder.withPort(port).withInterface("127.0.0.1").start();
    server.waitUntilStarted();
    String endpoint = "http://127.0.0.1:" + port;
    SqsAsyncClient sqs = Aws.sqs(endpoint);
    EventCodec codec = BenchEvent.codec();
    long t0 = System.nanoTime();
    for (int round = 0; round < 2; round++) {
      String name = Aws.uniqueName("warmup");
      String url = Aws.createQueue(sqs, name);
      Aws.preload(sqs, url, codec, warmup / 2);
      ConsumerVariant drain = new RawConsumer(sqs, url, 20, 0, 1, x -> {});
      drain.start();
      while (Aws.depth(sqs, url) > 0) {
        Thread.sleep(20);
      }
      drain.close();
      sqs.deleteQueue(r -> r.queueUrl(url)).join();
    }
    sqs.close();
    System.out.printf("READY %s (warm-up of %d messages took %.1f s)%n", endpoint, warmup, (System.nanoTime() - t0) / 1e9);
    System.out.flush();
    Thread.currentThread().join();
  }
}

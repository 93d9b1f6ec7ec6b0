package dev.evently.spring;

import dev.evently.consume.SqsConsumer;

/**
 * Adjusts the builder of each auto-configured consumer before it is built: middleware ({@code
 * use}), backoff, executor, OpenTelemetry. Customizer beans run in their {@code @Order}, after the
 * {@code evently.consumers.<queue>.*} properties and the handlers are applied. Called once per
 * queue at start-up, on the thread refreshing the context.
 */
@FunctionalInterface
public interface ConsumerCustomizer {
  /** @param queue the queue's name, as in {@link EventlyHandler#queue()} */
  void customize(String queue, SqsConsumer.Builder builder);
}

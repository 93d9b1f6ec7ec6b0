/**
 * Consuming events from SQS: {@link dev.evently.consume.SqsConsumer} runs {@link
 * dev.evently.consume.EventHandler}s with bounded concurrency, retries failures with a {@link
 * dev.evently.retry.Backoff}, dead-letters poison messages and shuts down gracefully. See {@code
 * docs/consumer.md}.
 */
package dev.evently.consume;

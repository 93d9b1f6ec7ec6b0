package dev.evently.bench;

/** One way of consuming a queue: started once, closed once. */
interface ConsumerVariant extends AutoCloseable {
  /** The work done per message: given the event id (ours) or the raw body (raw SDK, Spring). */
  @FunctionalInterface
  interface Handler {
    void handle(String idOrBody) throws Exception;
  }

  void start();

  /** Stops polling, lets in-flight work finish and releases threads. */
  @Override
  void close();
}

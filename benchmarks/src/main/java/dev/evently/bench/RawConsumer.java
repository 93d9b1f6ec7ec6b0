package dev.evently.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The raw SDK ceiling: {@code loops} independent async loops of ReceiveMessage(10) followed by one
 * DeleteMessageBatch of the messages handled successfully. With {@code workers > 0} the messages
 * of one receive are handled in parallel on that many threads (the I/O-bound benchmark), otherwise
 * inline on the SDK's completion thread.
 */
final class RawConsumer implements ConsumerVariant {
  private final SqsAsyncClient sqs;
  private final String queueUrl;
  private final int loops;
  private final int waitSeconds;
  private final Handler handler;
  private final ExecutorService workers;
  private final AtomicInteger running = new AtomicInteger();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean stopping;

  RawConsumer(
      SqsAsyncClient sqs, String queueUrl, int loops, int workers, int waitSeconds, Handler handler) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.loops = loops;
    this.waitSeconds = waitSeconds;
    this.handler = handler;
    this.workers = workers > 0 ? Executors.newFixedThreadPool(workers) : null;
  }

  @Override
  public void start() {
    running.set(loops);
    for (int i = 0; i < loops; i++) {
      loop();
    }
  }

  private void loop() {
    if (stopping) {
      if (running.decrementAndGet() == 0) {
        stopped.complete(null);
      }
      return;
    }
    sqs.receiveMessage(
            r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds))
        .thenCompose(this::handleAndDelete)
        .whenComplete((ok, err) -> loop());
  }

  private CompletableFuture<?> handleAndDelete(ReceiveMessageResponse response) {
    List<Message> messages = response.messages();
    if (messages.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (workers == null) {
      List<Message> done = new ArrayList<>(messages.size());
      for (Message m : messages) {
        if (handle(m)) {
          done.add(m);
        }
      }
      return delete(done);
    }
    List<CompletableFuture<Message>> handled = new ArrayList<>(messages.size());
    for (Message m : messages) {
      handled.add(CompletableFuture.supplyAsync(() -> handle(m) ? m : null, workers));
    }
    return CompletableFuture.allOf(handled.toArray(CompletableFuture[]::new))
        .thenCompose(
            v -> {
              List<Message> done = new ArrayList<>(handled.size());
              for (CompletableFuture<Message> f : handled) {
                Message m = f.join();
                if (m != null) {
                  done.add(m);
                }
              }
              return delete(done);
            });
  }

  private boolean handle(Message m) {
    try {
      handler.handle(m.body());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private CompletableFuture<?> delete(List<Message> done) {
    if (done.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(done.size());
    for (int i = 0; i < done.size(); i++) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(done.get(i).receiptHandle())
              .build());
    }
    return sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
  }

  @Override
  public void close() {
    stopping = true;
    try {
      stopped.get(waitSeconds + 5L, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort: the JVM ends right after
    }
    if (workers != null) {
      workers.shutdown();
    }
  }
}

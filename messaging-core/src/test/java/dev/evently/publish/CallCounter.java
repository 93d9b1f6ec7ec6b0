package dev.evently.publish;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/** Counts the Publish and PublishBatch calls a real SNS client makes, with each batch's size. */
final class CallCounter implements ExecutionInterceptor {
  private final AtomicInteger publishCalls = new AtomicInteger();
  private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    if (request instanceof PublishBatchRequest batch) {
      batchSizes.add(batch.publishBatchRequestEntries().size());
    } else if (request instanceof PublishRequest) {
      publishCalls.incrementAndGet();
    }
  }

  /** Publish plus PublishBatch calls. */
  int calls() {
    return publishCalls.get() + batchSizes.size();
  }

  void reset() {
    publishCalls.set(0);
    batchSizes.clear();
  }

  List<Integer> batchSizes() {
    return List.copyOf(batchSizes);
  }
}

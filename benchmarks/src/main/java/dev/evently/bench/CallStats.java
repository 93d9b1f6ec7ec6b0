package dev.evently.bench;

import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/** Counts the receive and delete calls a variant makes and the messages they carry. */
final class CallStats implements ExecutionInterceptor {
  final LongAdder receives = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder deletes = new LongAdder();
  final LongAdder deleted = new LongAdder();
  final LongAdder visibilityCalls = new LongAdder();
  private volatile boolean counting;

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (!counting) {
      return;
    }
    if (context.response() instanceof ReceiveMessageResponse r) {
      receives.increment();
      received.add(r.messages().size());
    } else if (context.request() instanceof DeleteMessageBatchRequest d) {
      deletes.increment();
      deleted.add(d.entries().size());
    } else if (context.request() instanceof DeleteMessageRequest) {
      deletes.increment();
      deleted.increment();
    } else if (context.request() instanceof ChangeMessageVisibilityBatchRequest
        || context.request() instanceof ChangeMessageVisibilityRequest) {
      visibilityCalls.increment();
    }
  }

  void startCounting() {
    counting = true;
  }

  /** Adds the counts, and the calls per message (SQS bills per call) for {@code messages} timed. */
  void addTo(Result r, long messages) {
    long rc = receives.sum();
    long dc = deletes.sum();
    long vc = visibilityCalls.sum();
    r.put("receive_calls", rc)
        .put("msgs_per_receive", Result.round(rc == 0 ? 0 : received.sum() / (double) rc, 2))
        .put("delete_calls", dc)
        .put("msgs_per_delete", Result.round(dc == 0 ? 0 : deleted.sum() / (double) dc, 2))
        .put("visibility_calls", vc)
        .put("receive_calls_per_msg", Result.round(rc / (double) messages, 4))
        .put("delete_calls_per_msg", Result.round(dc / (double) messages, 4))
        .put("calls_per_msg", Result.round((rc + dc + vc) / (double) messages, 4));
  }
}

package dev.evently.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Sees every SQS response of a client (an SDK execution interceptor, so it works the same for
 * every consumer variant): remembers which receipt handle carries which event id and when a delete
 * of that handle was confirmed.
 */
final class AckRecorder implements ExecutionInterceptor {
  private final Map<String, String> idByReceipt = new ConcurrentHashMap<>();
  final Map<String, Long> deletedAtNanos = new ConcurrentHashMap<>();

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    long now = System.nanoTime();
    SdkResponse response = context.response();
    SdkRequest request = context.request();
    if (response instanceof ReceiveMessageResponse receive) {
      for (Message m : receive.messages()) {
        idByReceipt.put(m.receiptHandle(), BenchEvent.idOf(m.body()));
      }
    } else if (response instanceof DeleteMessageBatchResponse batch
        && request instanceof DeleteMessageBatchRequest batchRequest) {
      Map<String, String> receiptByEntry = new HashMap<>();
      for (DeleteMessageBatchRequestEntry e : batchRequest.entries()) {
        receiptByEntry.put(e.id(), e.receiptHandle());
      }
      for (DeleteMessageBatchResultEntry ok : batch.successful()) {
        deleted(receiptByEntry.get(ok.id()), now);
      }
    } else if (request instanceof DeleteMessageRequest single) {
      deleted(single.receiptHandle(), now);
    }
  }

  private void deleted(String receipt, long now) {
    String id = receipt == null ? null : idByReceipt.get(receipt);
    if (id != null) {
      deletedAtNanos.putIfAbsent(id, now);
    }
  }
}

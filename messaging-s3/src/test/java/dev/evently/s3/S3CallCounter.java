package dev.evently.s3;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Records every request a real S3 client makes (by request class), as an SDK interceptor: no mock. */
final class S3CallCounter implements ExecutionInterceptor {
  private final List<String> calls = new CopyOnWriteArrayList<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    calls.add(context.request().getClass().getSimpleName());
  }

  int count() {
    return calls.size();
  }

  List<String> calls() {
    return List.copyOf(calls);
  }
}

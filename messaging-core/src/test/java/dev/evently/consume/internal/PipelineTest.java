package dev.evently.consume.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.consume.BatchResult;
import dev.evently.consume.Delivery;
import dev.evently.consume.Middleware;
import dev.evently.consume.NonRetryableException;
import dev.evently.consume.internal.Decision.Failed;
import dev.evently.consume.internal.Decision.Handled;
import dev.evently.consume.internal.Decision.Rejected;
import dev.evently.consume.internal.Decision.Succeeded;
import dev.evently.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The middleware chain and the mapping of what handlers return or throw, without any backend. */
class PipelineTest {
  record Note(String text) {}

  private static final QueueSetup QUEUE = new QueueSetup("notes", "http://sqs/000/notes", 30, false, "dlq", 5);
  private final List<String> trace = new CopyOnWriteArrayList<>();

  private static InFlightMessage message(String id, int receiveCount, String text) {
    Message sqs =
        Message.builder()
            .messageId("m-" + id)
            .receiptHandle("r-" + id)
            .body("{}")
            .attributesWithStrings(
                Map.of(
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT.toString(), Integer.toString(receiveCount),
                    MessageSystemAttributeName.SENT_TIMESTAMP.toString(), "1700000000000"))
            .build();
    InFlightMessage m = new InFlightMessage(sqs, QUEUE, "notes-consumer", 0, 30_000_000_000L);
    m.decoded(Event.of("Note", "test", new Note(text)).withId(id));
    return m;
  }

  private Middleware recording(String name) {
    return new Middleware() {
      @Override
      public void handle(Chain chain) throws Exception {
        trace.add(name + ">" + chain.event().id() + "@" + chain.delivery().receiveCount());
        try {
          chain.proceed();
        } finally {
          trace.add(name + "<");
        }
      }

      @Override
      public BatchResult handleBatch(BatchChain chain) throws Exception {
        trace.add(name + ">batch" + chain.events().size());
        BatchResult result = chain.proceed();
        trace.add(name + "<batch");
        return result;
      }
    };
  }

  private Pipeline.Single single(ThrowingConsumer<Event<Object>, Delivery> handler) {
    return new Pipeline.Single((event, delivery) -> handler.accept(event, delivery));
  }

  interface ThrowingConsumer<A, B> {
    void accept(A a, B b) throws Exception;
  }

  @Test
  void middlewareRunsInTheOrderAddedAroundTheHandlerAndSeesTheDelivery() {
    Pipeline pipeline = new Pipeline(Map.of(), List.of(recording("outer"), recording("inner")));
    List<Delivery> seen = new ArrayList<>();
    Handled handled =
        pipeline.runSingle(
            message("e1", 3, "hi"),
            single((event, delivery) -> {
              trace.add("handler");
              seen.add(delivery);
            }));
    assertThat(handled).isEqualTo(Succeeded.INSTANCE);
    assertThat(trace).containsExactly("outer>e1@3", "inner>e1@3", "handler", "inner<", "outer<");
    Delivery d = seen.get(0);
    assertThat(d.messageId()).isEqualTo("m-e1");
    assertThat(d.queueName()).isEqualTo("notes");
    assertThat(d.consumerName()).isEqualTo("notes-consumer");
    assertThat(d.maxReceiveCount()).isEqualTo(5);
    assertThat(d.isLastAttempt()).isFalse();
    assertThat(d.sentTimestamp()).hasValueSatisfying(t -> assertThat(t.toEpochMilli()).isEqualTo(1700000000000L));
    assertThat(d.firstReceiveTimestamp()).isEmpty();
    assertThat(d.messageGroupId()).isEmpty();
  }

  @Test
  void theLastAttemptIsTheOneAtTheRedrivePolicysMaxReceiveCount() {
    List<Boolean> last = new ArrayList<>();
    Pipeline pipeline = new Pipeline(Map.of(), List.of());
    pipeline.runSingle(message("e1", 4, "x"), single((e, d) -> last.add(d.isLastAttempt())));
    pipeline.runSingle(message("e2", 5, "x"), single((e, d) -> last.add(d.isLastAttempt())));
    assertThat(last).containsExactly(false, true);
  }

  @Test
  void aMiddlewareThatDoesNotProceedAcknowledgesWithoutRunningTheHandler() {
    Middleware duplicateFilter = chain -> trace.add("duplicate " + chain.event().id());
    Pipeline pipeline = new Pipeline(Map.of(), List.of(duplicateFilter));
    Handled handled = pipeline.runSingle(message("e1", 1, "x"), single((e, d) -> trace.add("handler")));
    assertThat(handled).isEqualTo(Succeeded.INSTANCE);
    assertThat(trace).containsExactly("duplicate e1");
  }

  @Test
  void whatTheChainThrowsDecidesBetweenRetryAndPoison() {
    Pipeline pipeline = new Pipeline(Map.of(), List.of(recording("m")));
    IllegalStateException boom = new IllegalStateException("db down");
    assertThat(pipeline.runSingle(message("e1", 1, "x"), single((e, d) -> {
          throw boom;
        })))
        .isEqualTo(new Failed(boom));
    NonRetryableException rule = new NonRetryableException("rule");
    assertThat(pipeline.runSingle(message("e2", 1, "x"), single((e, d) -> {
          throw rule;
        })))
        .isEqualTo(new Rejected(Decision.HANDLER_REJECTED, rule));
    // a middleware may turn a failure into poison, or swallow it
    Middleware strict = chain -> {
      try {
        chain.proceed();
      } catch (IllegalStateException e) {
        throw new NonRetryableException("refused by policy", e);
      }
    };
    Handled converted = new Pipeline(Map.of(), List.of(strict)).runSingle(message("e3", 1, "x"), single((e, d) -> {
      throw boom;
    }));
    assertThat(converted).isInstanceOf(Rejected.class);
  }

  @Test
  void proceedingTwiceIsAnErrorThatFailsTheMessage() {
    Middleware twice = chain -> {
      chain.proceed();
      chain.proceed();
    };
    Handled handled = new Pipeline(Map.of(), List.of(twice)).runSingle(message("e1", 1, "x"), single((e, d) -> {}));
    assertThat(handled).isInstanceOf(Failed.class);
    assertThat(((Failed) handled).error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("already");
  }

  @Test
  void aBatchResultFailsOnlyTheEventsItLists() {
    List<InFlightMessage> batch = List.of(message("a", 1, "ok"), message("b", 1, "bad"), message("c", 1, "rule"));
    IllegalStateException boom = new IllegalStateException("row b");
    NonRetryableException rule = new NonRetryableException("row c");
    Pipeline.Batch route =
        new Pipeline.Batch(
            events -> {
              trace.add("batch " + events.size());
              return BatchResult.builder().failed(events.get(1), boom).failed(events.get(2), rule).build();
            },
            10);
    List<Handled> handled = new Pipeline(Map.of(), List.of(recording("m"))).runBatch(batch, route);
    assertThat(handled)
        .containsExactly(Succeeded.INSTANCE, new Failed(boom), new Rejected(Decision.HANDLER_REJECTED, rule));
    assertThat(trace).containsExactly("m>batch3", "batch 3", "m<batch");
  }

  @Test
  void aBatchHandlerThatThrowsFailsTheWholeBatch() {
    List<InFlightMessage> batch = List.of(message("a", 1, "x"), message("b", 1, "y"));
    IllegalStateException boom = new IllegalStateException("db down");
    List<Handled> handled =
        new Pipeline(Map.of(), List.of())
            .runBatch(
                batch,
                new Pipeline.Batch(
                    events -> {
                      throw boom;
                    },
                    10));
    assertThat(handled).containsExactly(new Failed(boom), new Failed(boom));
  }

  @Test
  void aBatchResultNamingAForeignEventOrNullIsAHandlerBugThatFailsTheBatch() {
    List<InFlightMessage> batch = List.of(message("a", 1, "x"));
    Event<Note> stranger = Event.of("Note", "test", new Note("stranger"));
    List<Handled> foreign =
        new Pipeline(Map.of(), List.of())
            .runBatch(batch, new Pipeline.Batch(events -> BatchResult.builder().failed(stranger, new RuntimeException()).build(), 10));
    assertThat(foreign).singleElement().isInstanceOf(Failed.class);
    assertThat(((Failed) foreign.get(0)).error()).hasMessageContaining("not one of the batch's Event objects");
    List<Handled> nothing = new Pipeline(Map.of(), List.of()).runBatch(batch, new Pipeline.Batch(events -> null, 10));
    assertThat(((Failed) nothing.get(0)).error()).hasMessageContaining("returned null");
  }
}

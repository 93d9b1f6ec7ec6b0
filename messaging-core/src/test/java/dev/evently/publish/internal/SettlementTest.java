package dev.evently.publish.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishBatchResultEntry;
import software.amazon.awssdk.services.sns.model.SnsException;

/** The retry classification of PublishBatch answers, entry by entry. */
class SettlementTest {

  @Test
  void everyEntryOfAPartlyFailedAnswerIsSettledOnItsOwn() {
    PublishBatchResponse answer =
        PublishBatchResponse.builder()
            .successful(ok("0", "m-0"), ok("3", "m-3"))
            .failed(
                failed("1", "InvalidParameter", true), // the sender's fault: for good
                failed("2", "Throttling", true)) // retryable whatever the fault
            .build(); // entry 4: no answer at all

    Settlement s = Settlement.ofResponse(5, 1, 3, answer);

    assertThat(s.accepted()).containsExactly(new Settlement.Accepted(0, "m-0"), new Settlement.Accepted(3, "m-3"));
    assertThat(s.failed()).singleElement().satisfies(f -> {
      assertThat(f.index()).isEqualTo(1);
      assertThat(f.retryable()).isFalse();
      assertThat(f.why()).startsWith("InvalidParameter");
    });
    assertThat(s.retry()).containsExactly(2, 4);
  }

  @Test
  void onTheLastAttemptRetryableEntriesFailRetryable() {
    PublishBatchResponse answer = PublishBatchResponse.builder().failed(failed("0", "InternalError", false)).build();

    Settlement s = Settlement.ofResponse(2, 3, 3, answer);

    assertThat(s.retry()).isEmpty();
    assertThat(s.failed()).extracting(Settlement.Failed::index).containsExactly(0, 1);
    assertThat(s.failed()).allSatisfy(f -> assertThat(f.retryable()).isTrue());
    assertThat(s.failed().get(1).why()).isEqualTo("SNS returned no result for the entry");
  }

  @Test
  void unknownOrDuplicateEntryIdsAreIgnored() {
    PublishBatchResponse answer =
        PublishBatchResponse.builder().successful(ok("0", "m-0"), ok("0", "again"), ok("7", "x"), ok("a", "y")).build();

    Settlement s = Settlement.ofResponse(1, 1, 1, answer);

    assertThat(s.accepted()).containsExactly(new Settlement.Accepted(0, "m-0"));
    assertThat(s.failed()).isEmpty();
  }

  @Test
  void aWholeCallThatFailedIsRetriedWhenTransientAndFailsEveryEntryWhenNot() {
    Throwable transport = new CompletionException(SdkClientException.create("connection reset"));
    assertThat(Settlement.ofError(3, 1, 5, transport).retry()).containsExactly(0, 1, 2);

    SnsException denied =
        (SnsException) SnsException.builder().statusCode(403)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("AuthorizationError").build())
            .message("denied").build();
    Settlement s = Settlement.ofError(2, 1, 5, denied);
    assertThat(s.retry()).isEmpty();
    assertThat(s.failed()).allSatisfy(f -> {
      assertThat(f.retryable()).isFalse();
      assertThat(f.why()).startsWith("AuthorizationError");
      assertThat(f.cause()).isSameAs(denied);
    });
  }

  private static PublishBatchResultEntry ok(String id, String messageId) {
    return PublishBatchResultEntry.builder().id(id).messageId(messageId).build();
  }

  private static BatchResultErrorEntry failed(String id, String code, boolean senderFault) {
    return BatchResultErrorEntry.builder().id(id).code(code).message(code + " (test)").senderFault(senderFault).build();
  }
}

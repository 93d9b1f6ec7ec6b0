package dev.evently.publish.internal;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishBatchResultEntry;

/**
 * What the answer to one PublishBatch call means for each of its entries (the retry
 * classification): accepted (with the SNS message id), to be sent again (retryable and attempts
 * left), or failed for good for this call. Entries are named by their index in the batch, which is
 * also their entry id on the wire. SNS answers 200 with failed entries, so every entry is checked;
 * one SNS did not answer for is retried like a transport failure. A pure function of its inputs.
 */
public final class Settlement {
  /** An entry SNS accepted. */
  public record Accepted(int index, String messageId) {}

  /** An entry that failed; {@code retryable} says whether publishing it again later may succeed. */
  public record Failed(int index, String why, boolean retryable, Throwable cause) {}

  private final List<Accepted> accepted = new ArrayList<>();
  private final List<Integer> retry = new ArrayList<>();
  private final List<Failed> failed = new ArrayList<>();

  private Settlement() {}

  /** The entry id of the entry at {@code index}. */
  public static String entryId(int index) {
    return Integer.toString(index);
  }

  /** A whole call that failed with {@code error} (an exception, or the SDK's exceptional future). */
  public static Settlement ofError(int size, int attempt, int maxAttempts, Throwable error) {
    Settlement s = new Settlement();
    boolean retryable = SnsErrors.isRetryable(error);
    Throwable cause = SnsErrors.unwrap(error);
    String why = SnsErrors.code(error) + ": " + cause.getMessage();
    for (int i = 0; i < size; i++) {
      if (retryable && attempt < maxAttempts) {
        s.retry.add(i);
      } else {
        s.failed.add(new Failed(i, why, retryable, cause));
      }
    }
    return s;
  }

  /** A call SNS answered: each entry is accepted, failed or (when unanswered) retried. */
  public static Settlement ofResponse(int size, int attempt, int maxAttempts, PublishBatchResponse response) {
    Settlement s = new Settlement();
    boolean[] answered = new boolean[size];
    for (PublishBatchResultEntry ok : response.successful()) {
      int i = indexOf(ok.id(), size);
      if (i >= 0 && !answered[i]) {
        answered[i] = true;
        s.accepted.add(new Accepted(i, ok.messageId()));
      }
    }
    for (BatchResultErrorEntry error : response.failed()) {
      int i = indexOf(error.id(), size);
      if (i < 0 || answered[i]) {
        continue;
      }
      answered[i] = true;
      boolean retryable = SnsErrors.isRetryable(error.code(), error.senderFault());
      if (retryable && attempt < maxAttempts) {
        s.retry.add(i);
      } else {
        s.failed.add(new Failed(i, error.code() + ": " + error.message(), retryable, null));
      }
    }
    for (int i = 0; i < size; i++) {
      if (!answered[i]) {
        if (attempt < maxAttempts) {
          s.retry.add(i);
        } else {
          s.failed.add(new Failed(i, "SNS returned no result for the entry", true, null));
        }
      }
    }
    s.retry.sort(null); // a FIFO batch keeps its order when sent again
    return s;
  }

  public List<Accepted> accepted() {
    return accepted;
  }

  /** Indexes of the entries to send again, in batch order. */
  public List<Integer> retry() {
    return retry;
  }

  public List<Failed> failed() {
    return failed;
  }

  private static int indexOf(String entryId, int size) {
    if (entryId == null || entryId.isEmpty() || entryId.length() > 2) {
      return -1;
    }
    int i = 0;
    for (int k = 0; k < entryId.length(); k++) {
      char c = entryId.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
      i = i * 10 + (c - '0');
    }
    return i < size ? i : -1;
  }
}

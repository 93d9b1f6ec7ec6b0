package dev.evently.publish.internal;

import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Which SNS failures are worth retrying: throttling, internal errors, 5xx and transport errors. */
public final class SnsErrors {
  private static final Set<String> RETRYABLE_CODES =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "RequestThrottled",
          "TooManyRequestsException",
          "KMSThrottling",
          "InternalError",
          "InternalFailure",
          "InternalErrorException",
          "ServiceUnavailable",
          "ServiceUnavailableException",
          "RequestTimeout",
          "RequestTimeoutException");

  private SnsErrors() {}

  /** Whether a failed batch entry may succeed when sent again. */
  public static boolean isRetryable(String code, Boolean senderFault) {
    if (code != null && RETRYABLE_CODES.contains(code)) {
      return true;
    }
    return Boolean.FALSE.equals(senderFault);
  }

  /** Whether a failed call may succeed when made again. */
  public static boolean isRetryable(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof AwsServiceException aws) {
      return aws.isThrottlingException()
          || aws.statusCode() >= 500
          || (aws.awsErrorDetails() != null && RETRYABLE_CODES.contains(aws.awsErrorDetails().errorCode()));
    }
    return e instanceof SdkClientException;
  }

  /** The error code of a failed call, or the exception's class name. */
  public static String code(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null && aws.awsErrorDetails().errorCode() != null) {
      return aws.awsErrorDetails().errorCode();
    }
    return e.getClass().getSimpleName();
  }

  /** The cause of a {@link CompletionException} or {@link ExecutionException}. */
  public static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}

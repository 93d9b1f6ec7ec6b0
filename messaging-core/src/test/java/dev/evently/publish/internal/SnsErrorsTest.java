package dev.evently.publish.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

class SnsErrorsTest {

  @Test
  void throttlingAndServiceFaultEntriesAreRetryableSenderFaultsAreNot() {
    assertThat(SnsErrors.isRetryable("Throttling", true)).isTrue();
    assertThat(SnsErrors.isRetryable("InternalError", null)).isTrue();
    assertThat(SnsErrors.isRetryable("Whatever", false)).as("service's fault").isTrue();
    assertThat(SnsErrors.isRetryable("InvalidParameter", true)).isFalse();
    assertThat(SnsErrors.isRetryable("InvalidParameter", null)).isFalse();
  }

  @Test
  void transportErrorsFiveHundredsAndThrottledCallsAreRetryable() {
    assertThat(SnsErrors.isRetryable(new CompletionException(SdkClientException.create("connection refused")))).isTrue();
    assertThat(SnsErrors.isRetryable(service("InternalError", 500))).isTrue();
    assertThat(SnsErrors.isRetryable(service("Throttling", 400))).isTrue();
    assertThat(SnsErrors.isRetryable(service("NotFound", 404))).isFalse();
    assertThat(SnsErrors.isRetryable(new IllegalStateException("client closed"))).isFalse();
    assertThat(SnsErrors.code(new CompletionException(service("NotFound", 404)))).isEqualTo("NotFound");
  }

  private static AwsServiceException service(String code, int status) {
    return AwsServiceException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m").build())
        .build();
  }
}
